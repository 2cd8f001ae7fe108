"""The catalogue as open data: the catalogue's table view (sortable, filterable, printable), the
downloads of the datasets (public/datasets.py) as CSV, XLSX and JSON with the page's filters,
and the data dictionary. Public, no login; published content only (the selectors' rule)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, F, FloatField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_safe

from core import dates, tabular
from disclosure import selectors as catalogue_selectors
from disclosure.models import DisclosureItem

from .datasets import DATASETS, FORMATS, BadFilter, Context, catalogue_values
from .views import catalogue_filters

# --- the catalogue as a table -----------------------------------------------------------------

TABLE_PAGE_SIZE = 500
RULE = DisclosureItem.RuleKind

# How long a rule allows, in hours, so "公开时限" sorts from the quickest: a working day is
# counted as 7/5 of a day; yearly and text-only rules come after every counted one.
_ALLOWED_HOURS = Case(
    When(rule_kind=RULE.HOURS, then=F("rule_n")),
    When(rule_kind=RULE.DAYS, then=F("rule_n") * 24),
    When(rule_kind=RULE.WORKING_DAYS, then=F("rule_n") * Value(24 * 7 / 5)),
    default=None,
    output_field=FloatField(),
)
_RULE_RANK = Case(
    When(rule_n__isnull=False, rule_kind__in=[RULE.HOURS, RULE.DAYS, RULE.WORKING_DAYS], then=0),
    When(rule_kind=RULE.ANNUAL, then=1),
    default=2,
)

# ?sort= key → its column's label. Every sort ends with the printed order (PRINTED, which is
# also the 序号 sort), so rows that tie keep it.
PRINTED = ("-document__issue__year", "-document__issue__number", "document__order", "order")
SORTS = {
    "seq": "序号",
    "item": "公开事项",
    "rule": "公开时限",
    "owner": "责任主体",
    "supervision": "监督渠道",
}


def _ordering(key: str, descending: bool) -> list:
    """The order_by() of a sort: its expressions (nulls last either way), then PRINTED."""
    if key == "seq":
        return (
            [f"-{f}" if not f.startswith("-") else f[1:] for f in PRINTED]
            if descending
            else list(PRINTED)
        )
    exprs = {
        "item": [F("item")],
        "rule": [_RULE_RANK, _ALLOWED_HOURS, F("rule_by")],
        "owner": [catalogue_selectors.owner_name_expression()],
        "supervision": [F("supervision")],
    }[key]
    directed = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in exprs]
    return [*directed, *PRINTED]


def read_sort(raw: str) -> tuple[str, bool, str]:
    """(key, descending, a notice for a value that is not a sort) from ?sort=owner or -owner."""
    raw = (raw or "").strip()
    key = raw.removeprefix("-")
    if not raw:
        return "seq", False, ""
    if key not in SORTS:
        return "seq", False, f"没有“{raw[:40]}”这种排序方式，已按序号排列。"
    return key, raw.startswith("-"), ""


@require_safe
def catalogue_table(request: HttpRequest) -> HttpResponse:
    area, owner, document = catalogue_filters(request)
    key, descending, notice = read_sort(request.GET.get("sort", ""))
    everything = catalogue_selectors.public_catalogue()
    items = catalogue_selectors.filtered_catalogue(area=area, owner=owner, document=document)
    page = Paginator(items.order_by(*_ordering(key, descending)), TABLE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(catalogue_values(page.object_list))
    filters = {k: v for k, v in (("area", area), ("owner", owner), ("document", document)) if v}
    sort_param = f"-{key}" if descending else key
    headers = []
    for k, label in SORTS.items():
        current = k == key
        nxt = f"-{k}" if current and not descending else k
        headers.append(
            {
                "key": k,
                "label": label,
                "href": "?" + urlencode({**filters, "sort": nxt}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "next": "降序" if current and not descending else "升序",
            }
        )
    filtered = bool(filters)
    return render(
        request,
        "public/catalogue_table.html",
        {
            "rows": rows,
            "page": page,
            "headers": {h["key"]: h for h in headers},
            "sort_label": SORTS[key],
            "descending": descending,
            "notice": notice,
            "extra": urlencode(
                {**filters, **({"sort": sort_param} if key != "seq" or descending else {})}
            ),
            "filter_qs": urlencode(filters),
            "areas": catalogue_selectors.public_areas(),
            "owners": catalogue_selectors.public_owners(),
            "area": area,
            "owner": owner,
            "sort": sort_param,
            "total": everything.count() if filtered else page.paginator.count,
            "count": page.paginator.count,
            "filtered": filtered,
        },
    )


# --- downloads --------------------------------------------------------------------------------


def _context(request: HttpRequest) -> Context:
    return Context(today=dates.today(), absolute=request.build_absolute_uri)


@require_safe
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    """A dataset in a format, narrowed by the filters in the query string; a filter whose value
    cannot be read is a 400 naming it (nothing is written)."""
    ds = DATASETS.get(dataset)
    if ds is None or fmt not in FORMATS:
        raise Http404("没有这个数据集或格式")
    try:
        chosen = ds.parse(request.GET)
    except BadFilter as problem:
        return HttpResponse(
            f"无法下载：{problem}", status=400, content_type="text/plain; charset=utf-8"
        )
    context = _context(request)
    stamp = context.today.isoformat()
    filename = f"{ds.title}-{stamp}.{fmt}"
    if fmt == "csv":
        return tabular.csv_stream(filename, [c.label for c in ds.columns], ds.rows(chosen, context))
    if fmt == "xlsx":
        return tabular.xlsx_response(
            filename,
            ds.title,
            [(c.label, c.width) for c in ds.columns],
            ds.rows(chosen, context),
            more=[
                (
                    "数据字典",
                    [("列名", 24), ("中文名", 18), ("类型", 16), ("说明", 60)],
                    [[c.key, c.label, c.type_label, _describe(c)] for c in ds.columns],
                )
            ],
        )
    head = {
        "dataset": ds.name,
        "title": ds.title,
        "description": ds.description,
        "as_of": stamp,
        "filters": {k: v for k, v in chosen.items() if v not in (None, "")},
        "dictionary": context.absolute(reverse("opendata-dictionary") + f"#{ds.name}"),
        "columns": [c.key for c in ds.columns],
        "count": ds.count(chosen, context),
    }
    return tabular.json_stream(filename, head, ds.records(chosen, context))


def _describe(column) -> str:
    if column.choices:
        return f"{column.description}：{'、'.join(str(c) for c in column.choices)}"
    return column.description


# --- the open data page and the data dictionary -----------------------------------------------


def _dataset_views() -> list[dict]:
    return [
        {
            "dataset": ds,
            "columns": [{"column": c, "choices": [str(x) for x in c.choices]} for c in ds.columns],
            "links": [
                (fmt, label, reverse("opendata-download", args=[ds.name, fmt]))
                for fmt, label in FORMATS.items()
            ],
        }
        for ds in DATASETS.values()
    ]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/opendata.html",
        {"datasets": _dataset_views(), "dictionary_url": reverse("opendata-dictionary")},
    )


@require_safe
def dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "public/opendata_dictionary.html", {"datasets": _dataset_views()})


_DOWNLOAD = rf"^opendata/(?P<dataset>{'|'.join(DATASETS)})\.(?P<fmt>{'|'.join(FORMATS)})$"

urlpatterns = [
    path("catalogue/table/", catalogue_table, name="catalogue-table"),
    path("opendata/", index, name="opendata"),
    path("opendata/dictionary/", dictionary, name="opendata-dictionary"),
    re_path(_DOWNLOAD, download, name="opendata-download"),
]
