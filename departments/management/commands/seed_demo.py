"""python manage.py seed_demo: demo accounts, one per role and a few departments (demo only)."""

from django.core.management.base import BaseCommand, CommandError

from departments.demo import DEMO_PASSWORD, DemoDisabled, seed_demo


class Command(BaseCommand):
    help = "创建演示账号（仅限演示环境，生产环境拒绝执行）。"

    def handle(self, *args, **options):
        try:
            results = seed_demo()
        except DemoDisabled as exc:
            raise CommandError(str(exc), returncode=2) from None
        created = [acc for acc, made in results if made]
        if not created:
            self.stdout.write("演示账号已存在（密码见 README）。")
            return
        self.stdout.write(f"已创建演示账号（仅供演示，密码均为 {DEMO_PASSWORD}）：")
        for acc in created:
            depts = "、".join(acc.departments)
            self.stdout.write(
                f"  {acc.username:<18} {acc.label}{'  [' + depts + ']' if depts else ''}"
            )
