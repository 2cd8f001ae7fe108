"""The calendar models move here from the tasks app: state only, the tables (tasks_calendar*)
and their rows stay as they are. Their content types (and so the admin permissions granted
on them) move with them."""

from django.db import migrations, models

MODELS = ["calendaryear", "calendarday", "calendarversion"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="workdays", model=model).exists():
            ContentType.objects.filter(app_label="tasks", model=model).update(app_label="workdays")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="tasks", model=model).exists():
            ContentType.objects.filter(app_label="workdays", model=model).update(app_label="tasks")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # the tables are created and seeded by the tasks app's migrations
        ("tasks", "0003_seed_calendar"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("holiday", "放假"), ("workday", "调休上班")],
                                max_length=10,
                                verbose_name="类型",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="如 国庆节、国庆节调休",
                                max_length=50,
                                verbose_name="名称",
                            ),
                        ),
                        (
                            "notice",
                            models.CharField(blank=True, max_length=200, verbose_name="依据通知"),
                        ),
                    ],
                    options={
                        "verbose_name": "节假日调整",
                        "verbose_name_plural": "节假日调整",
                        "ordering": ["date"],
                        "db_table": "tasks_calendarday",
                    },
                ),
                migrations.CreateModel(
                    name="CalendarVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1)),
                    ],
                    options={
                        "verbose_name": "日历版本",
                        "verbose_name_plural": "日历版本",
                        "db_table": "tasks_calendarversion",
                    },
                ),
                migrations.CreateModel(
                    name="CalendarYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(unique=True, verbose_name="年份"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("official", "已录入（国务院通知）"),
                                    ("provisional", "暂定（仅按周末计算）"),
                                ],
                                default="provisional",
                                max_length=12,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "notice",
                            models.CharField(blank=True, max_length=200, verbose_name="依据通知"),
                        ),
                        ("notice_text", models.TextField(blank=True, verbose_name="通知原文")),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="更新时间"),
                        ),
                    ],
                    options={
                        "verbose_name": "节假日安排年度",
                        "verbose_name_plural": "节假日安排年度",
                        "ordering": ["-year"],
                        "db_table": "tasks_calendaryear",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
