"""python manage.py workdays add DATE N | between A B | check DATE"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from workdays.calendars import current_calendar, provisional_note
from workdays.engine import CalendarRangeError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD（收到“{text}”）", returncode=2) from None


class Command(BaseCommand):
    help = (
        "工作日计算：add 日期 N（第N个工作日）、between 甲 乙（甲之后至乙的工作日数）、check 日期。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="日期之后第 N 个工作日（不含当日）")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="甲日之后至乙日（含）的工作日数")
        between.add_argument("start")
        between.add_argument("end")
        check = sub.add_parser("check", help="是否工作日及当日名称")
        check.add_argument("date")

    def handle(self, *args, action, **options):
        cal = current_calendar()
        try:
            if action == "add":
                if options["n"] < 0:
                    raise CommandError("N 不能为负数", returncode=2)
                start = _date(options["date"])
                result = cal.add_working_days(start, options["n"])
                self.stdout.write(result.isoformat())
                self._note(start, result)
            elif action == "between":
                a, b = _date(options["start"]), _date(options["end"])
                self.stdout.write(str(cal.working_days_between(a, b)))
                self._note(a, b)
            else:
                day = _date(options["date"])
                kind = (
                    "工作日"
                    if cal.is_working_day(day)
                    else "节假日"
                    if day in cal.names
                    else "休息日"
                )
                name = cal.day_name(day)
                self.stdout.write(kind if name in ("工作日", "休息日") else f"{kind} {name}")
                self._note(day)
        except CalendarRangeError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _note(self, *days: date) -> None:
        note = provisional_note(*days)
        if note:
            self.stderr.write(f"注意：{note}，结果按周末计算，为暂定日期")
