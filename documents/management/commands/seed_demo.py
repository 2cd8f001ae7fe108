"""python manage.py seed_demo: demo accounts, one per role and a few departments, and the demo's
history on the seed gazette (progress, extensions, urges, disclosure events; documents/demo.py),
dated before the demo's "today" (DEMO_AS_OF). Demo only; running it again changes nothing.

It lives in documents (not departments) because the history writes tasks and the catalogue."""

from django.core.management.base import BaseCommand, CommandError

from core.dates import cn_date
from departments.demo import DEMO_PASSWORD, DemoDisabled, seed_demo
from documents.demo import seed_history


class Command(BaseCommand):
    help = "创建演示账号和演示历史数据（仅限演示环境，生产环境拒绝执行）。"

    def handle(self, *args, **options):
        try:
            results = seed_demo()
        except DemoDisabled as exc:
            raise CommandError(str(exc), returncode=2) from None
        created = [acc for acc, made in results if made]
        if not created:
            self.stdout.write("演示账号已存在（密码见 README）。")
        else:
            self.stdout.write(f"已创建演示账号（仅供演示，密码均为 {DEMO_PASSWORD}）：")
            for acc in created:
                depts = "、".join(acc.departments)
                self.stdout.write(
                    f"  {acc.username:<18} {acc.label}{'  [' + depts + ']' if depts else ''}"
                )
        self._history()

    def _history(self) -> None:
        try:
            history = seed_history()
        except LookupError as exc:
            self.stdout.write(f"未写入演示历史：{exc}")
            return
        if not history.created:
            self.stdout.write("演示历史已存在。")
            return
        self.stdout.write(
            f"已写入演示历史（按{cn_date(history.as_of)}计算）：进展报告{history.reports}条、"
            f"催办{history.urges}次、公开事件{history.events}件；为演示调整截止日期的任务："
        )
        for name in history.adjusted:
            self.stdout.write(f"  {name}")
