# The public search index. Its GIN indexes (one per kind, partial) exist on PostgreSQL only;
# on SQLite the folded text is scanned instead.

import django.db.models.deletion
from django.db import migrations, models

import search.models

KINDS = ("document", "task", "catalogue")


def create_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in KINDS:
        schema_editor.execute(
            f"CREATE INDEX search_tsv_{kind}_gin ON public_searchentry "
            f"USING gin (tsv) WHERE kind = '{kind}'"
        )


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in KINDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_tsv_{kind}_gin")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("disclosure", "0001_initial"),
        ("documents", "0001_initial"),
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("document", "文件"), ("task", "任务"), ("catalogue", "公开目录")], max_length=10, verbose_name="类型")),
                ("anchor", models.CharField(blank=True, max_length=20, verbose_name="锚点")),
                ("label", models.CharField(blank=True, max_length=100, verbose_name="位置")),
                ("text", models.TextField(verbose_name="内容")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年份")),
                ("issuer", models.CharField(blank=True, max_length=200, verbose_name="发文机关")),
                ("issue_order", models.PositiveIntegerField(verbose_name="期次顺序")),
                ("doc_order", models.PositiveIntegerField(verbose_name="期内顺序")),
                ("position", models.PositiveIntegerField(verbose_name="文内顺序")),
                ("tsv", search.models.TsVectorField(blank=True, null=True)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="search_entries", to="documents.document")),
                ("item", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="disclosure.disclosureitem")),
                ("task", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tasks.task")),
            ],
            options={
                "verbose_name": "检索条目",
                "verbose_name_plural": "检索条目",
                "indexes": [
                    models.Index(fields=["kind", "-issue_order", "doc_order", "position"], name="search_order_idx"),
                    models.Index(fields=["year"], name="search_year_idx"),
                ],
            },
        ),
        migrations.RunPython(create_gin_indexes, drop_gin_indexes),
    ]
