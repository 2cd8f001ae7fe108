"""Filters shared by the API: ids are bounded, so a huge number is a 400, not a database error."""

import django_filters

MAX_ID = 2**53


class IdFilter(django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
