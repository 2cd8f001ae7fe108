# The outbox was tasks.ReminderEmail (table tasks_reminderemail, created by tasks 0007). This
# migration only takes the model into this app's state, on the same table; tasks 0010 drops it
# from the tasks app's state, and 0002 renames the table and columns. No row is copied.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tasks', '0007_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reminders', '到期提醒'), ('digest', '逾期汇总')], default='reminders', max_length=10, verbose_name='类型')),
                        ('to', models.CharField(max_length=254, verbose_name='收件人')),
                        ('subject', models.CharField(max_length=200, verbose_name='主题')),
                        ('body', models.TextField(verbose_name='正文')),
                        ('html', models.TextField(blank=True, verbose_name='HTML正文')),
                        ('dedupe_key', models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='去重键')),
                        ('status', models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('retry', '发送失败，等待重试'), ('failed', '发送失败，已放弃'), ('no_address', '无邮箱，仅站内消息')], default='pending', max_length=10, verbose_name='状态')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                        ('last_error', models.TextField(blank=True, verbose_name='最近错误')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次尝试')),
                        ('claimed_until', models.DateTimeField(blank=True, null=True, verbose_name='占用至')),
                        ('batch', models.UUIDField(blank=True, null=True, verbose_name='发送批次')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_emails', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '提醒邮件',
                        'verbose_name_plural': '提醒邮件',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'tasks_reminderemail',
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='email_status_idx'), models.Index(fields=['batch', 'user'], name='email_batch_user_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
