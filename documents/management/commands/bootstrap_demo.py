"""python manage.py bootstrap_demo: the seed gazette imported and published, plus demo accounts."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from documents.models import GazetteIssue

SEED = Path(settings.BASE_DIR) / "fixtures" / "benxi-2018-06.txt"


class Command(BaseCommand):
    help = "演示环境初始化：导入并发布示例公报（2018年第6号），创建演示账号。"

    def handle(self, *args, **options):
        if GazetteIssue.objects.filter(year=2018, number=6).exists():
            self.stdout.write("示例公报 2018-6 已导入。")
        else:
            call_command("import_gazette", str(SEED), publish=True, stdout=self.stdout)
        call_command("seed_demo", stdout=self.stdout)
