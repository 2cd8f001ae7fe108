# The reminder e-mail table becomes the outbox of every channel: its own table name, the
# columns renamed to the outbox's words (rows, ids and so Message-IDs kept). Reversible.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_outbox_from_reminder_emails'),
        ('tasks', '0010_reminderemail_to_notifications'),
    ]

    operations = [
        migrations.AlterModelTable(name='outboxmessage', table=None),
        # dropped and made again: an index's fields in the state do not follow a RenameField
        migrations.RemoveIndex(model_name='outboxmessage', name='email_status_idx'),
        migrations.RenameField(model_name='outboxmessage', old_name='to', new_name='address'),
        migrations.RenameField(model_name='outboxmessage', old_name='status', new_name='state'),
        migrations.RenameField(model_name='outboxmessage', old_name='next_attempt_at', new_name='next_try_at'),
        migrations.RenameField(model_name='outboxmessage', old_name='claimed_until', new_name='lease_until'),
        migrations.AddIndex(model_name='outboxmessage', index=models.Index(fields=['state', 'next_try_at'], name='outbox_state_idx')),
        migrations.RenameIndex(model_name='outboxmessage', new_name='outbox_batch_user_idx', old_name='email_batch_user_idx'),
    ]
