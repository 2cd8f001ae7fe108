# The index table takes this app's name (public_searchentry → search_searchentry). A rename:
# rows, the GIN indexes (search_tsv_*_gin) and the other indexes go with it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        # public has dropped the model from its state first, so that only one model claims
        # the table while it is renamed
        ("public", "0003_searchentry_moved_to_search"),
    ]

    operations = [
        migrations.AlterModelTable(name="searchentry", table=None),
    ]
