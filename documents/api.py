"""REST API for gazette issues and documents: public reads; the secretariat imports, publishes."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from departments.permissions import ReadOnlyOrSecretariat

from . import selectors
from .filters import DocumentFilter, IssueFilter
from .models import light
from .serializers import (
    DocumentDetailSerializer,
    DocumentSerializer,
    ImportReportSerializer,
    IssueDetailSerializer,
    IssueImportSerializer,
    IssueSerializer,
    document_detail_data,
)
from .services import GazetteImportError, import_issue, publish_issue


class IssueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """公报期次. POST imports an issue's text (秘书处); publish makes it public."""

    permission_classes = [ReadOnlyOrSecretariat]
    filterset_class = IssueFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return (
            selectors.issue_detail(user)
            if self.action == "retrieve"
            else selectors.issue_list(user)
        )

    def get_serializer_class(self):
        return IssueDetailSerializer if self.action == "retrieve" else IssueSerializer

    @extend_schema(
        request={
            "application/json": IssueImportSerializer,
            "multipart/form-data": IssueImportSerializer,
        },
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
    )
    def create(self, request):
        """导入公报 (text, or a .txt (UTF-8), .docx or text PDF file), in one transaction."""

        data = IssueImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        source = v.get("file")
        if source is not None:
            limit = settings.GAZETTE_IMPORT_MAX_BYTES
            if source.size > limit:
                raise ValidationError(
                    {"file": f"文件过大（{source.size} 字节，上限 {limit} 字节）"}
                )
            payload, name = source.read(), source.name
        else:
            payload, name = v["text"], "web"
        try:
            report = import_issue(
                payload,
                source_name=name,
                filename=name,
                publish=v["publish"],
                replace=v["replace"],
                dry_run=v["dry_run"],
                user=request.user,
            )
        except GazetteImportError as exc:
            where = f"第{exc.line}行：" if exc.line else ""
            raise ValidationError({"detail": f"{where}{exc.message}"}) from None
        code = (
            status.HTTP_201_CREATED
            if report.action in ("created", "replaced") and not report.dry_run
            else status.HTTP_200_OK
        )
        return Response(ImportReportSerializer(report.as_dict()).data, status=code)

    @extend_schema(request=None, responses=IssueSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布: the issue and its documents become public."""
        issue = publish_issue(self.get_object())
        return Response(IssueSerializer(selectors.issue_list(request.user).get(pk=issue.pk)).data)


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """文件: published ones for everyone, with outline, tasks and citations."""

    permission_classes = [ReadOnlyOrSecretariat]
    filterset_class = DocumentFilter

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            return selectors.document_with_parts(user).defer(
                *light(document=False, prefix="issue__")
            )
        return selectors.document_list(user)

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def retrieve(self, request, *args, **kwargs):
        """DocumentDetailSerializer's answer, its parts read as values (document_detail_data)."""
        return Response(document_detail_data(self.get_object()))
