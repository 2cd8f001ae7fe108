"""The REST API under /api/: one router for every app's viewsets."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from departments.api import DepartmentViewSet, MeView
from disclosure.api import CatalogueViewSet, DisclosureEventViewSet
from documents.api import DocumentViewSet, IssueViewSet
from tasks.api import (
    AssignmentViewSet,
    AttachmentDownloadView,
    InboxViewSet,
    ProgressReportViewSet,
    TaskViewSet,
    WorkdaysViewSet,
)

app_name = "api"


class NumericRouter(DefaultRouter):
    """Every resource is looked up by its integer id: /api/tasks/abc/ is a 404, never a 500.

    No format-suffix twins (/api/tasks/1/progress.json): the actions do not take a ``format``
    argument, so those routes were 500s; ``?format=json`` still chooses the renderer."""

    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        regex = super().get_lookup_regex(viewset, lookup_prefix)
        if getattr(viewset, "lookup_value_regex", None) is None:
            regex = regex.replace("[^/.]+", "[0-9]+")
        return regex


router = NumericRouter()
router.register("issues", IssueViewSet, basename="issue")
router.register("documents", DocumentViewSet, basename="document")
router.register("tasks", TaskViewSet, basename="task")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("departments", DepartmentViewSet, basename="department")
router.register("catalogue", CatalogueViewSet, basename="catalogue")
router.register("disclosure-events", DisclosureEventViewSet, basename="disclosure-event")
router.register("inbox", InboxViewSet, basename="inbox")
router.register("workdays", WorkdaysViewSet, basename="workdays")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path(
        "attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("", include(router.urls)),
]
