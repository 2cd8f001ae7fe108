"""API pagination: ?page=N, and ?page_size=N up to a cap."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CountOnRequestPagination(StandardPagination):
    """Pages without a total unless asked for (``?count=true``): for a department's thousands
    of tasks, counting every match costs several times reading the page (BENCHMARKS.md), and
    a client paging through needs only ``next``. One row past the page tells whether it is
    the last."""

    count_query_param = "count"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.counted = request.query_params.get(self.count_query_param) in ("1", "true")
        if self.counted:
            return super().paginate_queryset(queryset, request, view)
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        try:
            self.number = int(raw)
        except ValueError:
            self.number = 0
        if self.number < 1:
            raise NotFound(self._invalid(raw, "无效页码"))
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        if not rows and self.number > 1:
            raise NotFound(
                self.invalid_page_message.format(page_number=raw, message="页码超出范围")
            )
        self.more = len(rows) > size
        return rows[:size]

    def _invalid(self, raw: str, why: str) -> str:
        return self.invalid_page_message.format(page_number=raw[:20], message=why)

    def get_paginated_response(self, data):
        if self.counted:
            return super().get_paginated_response(data)
        return Response({"next": self._next(), "previous": self._previous(), "results": data})

    def _next(self):
        if not self.more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def _previous(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]
        answer["properties"]["count"]["description"] = "总数：仅在 ?count=true 时给出"
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "给出总数（count）",
                "schema": {"type": "boolean"},
            },
        ]
