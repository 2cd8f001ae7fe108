# The outbox of every channel: a channel per row (existing rows are e-mails), the department and
# group robot a post goes to, dedupe per channel and address; and the group robots themselves.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0003_role_groups'),
        ('notifications', '0002_rename_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='outboxmessage',
            options={'ordering': ['-created_at', '-id'], 'verbose_name': '待发消息', 'verbose_name_plural': '待发消息（邮件、群机器人）'},
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='channel',
            field=models.CharField(default='email', max_length=20, verbose_name='渠道'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outbox_messages', to='departments.department'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='address',
            field=models.CharField(max_length=254, verbose_name='收件地址'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='dedupe_key',
            field=models.CharField(blank=True, max_length=100, null=True, verbose_name='去重键'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='kind',
            field=models.CharField(choices=[('reminders', '到期提醒'), ('digest', '逾期汇总'), ('urge', '催办')], default='reminders', max_length=10, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outbox_messages', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='GroupRobot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('wecom', '企业微信群机器人'), ('dingtalk', '钉钉群机器人')], default='wecom', max_length=10, verbose_name='类型')),
                ('url', models.URLField(max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='Webhook 地址')),
                ('active', models.BooleanField(default=True, verbose_name='启用')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='group_robots', to='departments.department')),
            ],
            options={
                'verbose_name': '部门群机器人',
                'verbose_name_plural': '部门群机器人',
                'ordering': ['department', 'id'],
            },
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='robot',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='notifications.grouprobot', verbose_name='群机器人'),
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('dedupe_key__isnull', False)), fields=('dedupe_key', 'channel', 'address'), name='uniq_outbox_dedupe'),
        ),
        # the pattern index of the old unique dedupe_key: named after the old table, so the
        # AlterField above does not find it (PostgreSQL only; IF EXISTS for the others)
        migrations.RunSQL(
            'DROP INDEX IF EXISTS "tasks_reminderemail_dedupe_key_245eb505_like"',
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
