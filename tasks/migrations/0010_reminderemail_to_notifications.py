# tasks.ReminderEmail is now notifications.OutboxMessage, on the same table (see
# notifications 0001 and 0002): only the tasks app's state forgets it here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0009_list_indexes'),
        ('notifications', '0001_outbox_from_reminder_emails'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ReminderEmail')],
            database_operations=[],
        ),
    ]
