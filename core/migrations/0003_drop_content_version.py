"""The API read cache keyed by a content version is gone (issue 14): drop its statement
triggers, its functions and its change log. Reads are made fast without it."""

from django.db import migrations

TRIGGER = "content_change_trg"
FUNCTIONS = ("core_note_content_change()", "core_content_version()")


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relnamespace = 'public'::regnamespace",
            [TRIGGER],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {conn.ops.quote_name(table)}")
        for function in FUNCTIONS:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_content_change")]

    operations = [
        # Nothing to put back: the old code reinstalled its triggers after every migrate.
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="ContentChange"),
    ]
