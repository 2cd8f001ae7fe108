# The search index moves here from the public app: the model's state only (the table,
# public_searchentry, was created by public 0001-0002 and keeps its rows and GIN indexes).
# 0002 renames the table to this app's name. On a new database public 0001-0002 create the
# table first, so both paths end with the same table.

import django.db.models.deletion
from django.db import migrations, models

import search.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("disclosure", "0001_initial"),
        ("documents", "0001_initial"),
        ("tasks", "0001_initial"),
        ("public", "0002_search_folded_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("document", "文件"), ("task", "任务"), ("catalogue", "公开目录")], max_length=10, verbose_name="类型")),
                        ("anchor", models.CharField(blank=True, max_length=20, verbose_name="锚点")),
                        ("label", models.CharField(blank=True, max_length=100, verbose_name="位置")),
                        ("text", models.TextField(verbose_name="内容")),
                        ("folded", models.TextField(blank=True, default="", verbose_name="检索文本")),
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
                        "db_table": "public_searchentry",
                        "indexes": [
                            models.Index(fields=["kind", "-issue_order", "doc_order", "position"], name="search_order_idx"),
                            models.Index(fields=["year"], name="search_year_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
