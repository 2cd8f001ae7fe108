"""The calendar models now belong to the workdays app (workdays 0001 takes them over): state
only, the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0010_reminderemail_to_notifications"),
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarVersion"),
                migrations.DeleteModel(name="CalendarYear"),
            ],
            database_operations=[],
        ),
    ]
