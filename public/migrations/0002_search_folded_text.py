# The folded text beside each index row: where a search match is confirmed (search.analyzer).

from django.db import migrations, models


def fill_folded(apps, schema_editor):
    from search.analyzer import fold

    SearchEntry = apps.get_model("public", "SearchEntry")
    batch = []
    for entry in SearchEntry.objects.only("id", "text").iterator(chunk_size=2000):
        entry.folded = fold(entry.text)
        batch.append(entry)
        if len(batch) == 2000:
            SearchEntry.objects.bulk_update(batch, ["folded"])
            batch = []
    SearchEntry.objects.bulk_update(batch, ["folded"])


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="folded",
            field=models.TextField(blank=True, default="", verbose_name="检索文本"),
        ),
        migrations.RunPython(fill_folded, migrations.RunPython.noop),
    ]
