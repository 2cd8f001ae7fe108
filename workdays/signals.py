"""News from the calendar to the layers above it (tasks, disclosure), which connect receivers.

``calendar_changed(sender, version)``: a calendar row was saved or deleted, or a holiday notice
entered; ``version`` is CalendarVersion's number after the change, inside the transaction that
made it. A receiver schedules its own recompute with ``workdays.calendars.after_commit``.

``calendar_years_needed(sender)``: asked by the calendar admin; each receiver returns the set
of years its deadlines fall in, so the admin can warn of years with no schedule entered.
"""

from django.dispatch import Signal

calendar_changed = Signal()
calendar_years_needed = Signal()
