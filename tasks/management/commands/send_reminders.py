"""python manage.py send_reminders [--date D] [--dry-run]: the reminder sweep, on demand.

The last line of output is always ``sent N, already sent M, failed K`` (with --dry-run: what
would be sent). --digest sends the supervisors' weekly digest for the week of --date instead.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD（收到“{value}”）", returncode=2) from None


class Command(BaseCommand):
    help = (
        "发送到期提醒（截止前若干个工作日、到期当日、逾期后每周）：站内消息和邮件，"
        "每条提醒只发送一次。最后一行为 sent N, already sent M, failed K。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, help="按这一天计算（YYYY-MM-DD，默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不记录也不发送")
        parser.add_argument("--digest", action="store_true", help="发送督查人员的每周逾期汇总")

    def handle(self, *args, **options) -> None:
        from tasks.reminders import send_due_reminders, send_supervisor_digest

        if options["digest"]:
            if options["dry_run"]:
                raise CommandError("--digest 不支持 --dry-run", returncode=2)
            digest = send_supervisor_digest(options["date"])
            self.stdout.write(
                f"{digest.week_of.isoformat()} 当周逾期汇总：督查人员 {digest.supervisors} 人，"
                f"涉及 {digest.departments} 个部门 {digest.overdue_tasks} 项任务"
            )
            self.stdout.write(digest.summary_line())
            return
        result = send_due_reminders(options["date"], dry_run=options["dry_run"])
        for line in result.detail_lines():
            self.stdout.write(line)
        self.stdout.write(result.summary_line())
