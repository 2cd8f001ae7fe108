# SearchEntry now belongs to the search app (search 0001 took over its state, table and rows):
# public forgets it without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0002_search_folded_text"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
            database_operations=[],
        ),
    ]
