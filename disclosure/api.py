"""REST API for the disclosure catalogue (public) and disclosure events (owning departments)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from departments.access import department_ids, sees_everything
from departments.permissions import IsActiveUser
from documents.models import light

from . import services
from .filters import CatalogueFilter, EventFilter
from .models import DisclosureEvent, DisclosureItem
from .selectors import compliance_by_item
from .serializers import (
    CATALOGUE_VALUES,
    CatalogueItemSerializer,
    DisclosureEventSerializer,
    PublicationSerializer,
    catalogue_data,
)


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """主动公开目录清单 of published documents: readable by everyone."""

    serializer_class = CatalogueItemSerializer
    permission_classes = [AllowAny]
    filterset_class = CatalogueFilter

    def get_queryset(self):
        return (
            DisclosureItem.objects.published()
            .select_related("owner_department", "document")
            .defer(*light("document__", issue=False))
            .order_by("document_id", "order")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["compliance"] = compliance_by_item([self.kwargs["pk"]])
        return context

    def list(self, request, *args, **kwargs):
        """CatalogueItemSerializer's answer from values (catalogue_data), with the page's
        compliance figures."""
        qs = self.filter_queryset(self.get_queryset()).values(*CATALOGUE_VALUES)
        page = self.paginate_queryset(qs)
        compliance = compliance_by_item([row["id"] for row in page])
        return self.get_paginated_response(catalogue_data(page, compliance))


class DisclosureEventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """公开事件: the owning department's staff record them; deadlines follow the item's rule."""

    serializer_class = DisclosureEventSerializer
    permission_classes = [IsActiveUser]
    filterset_class = EventFilter

    def get_queryset(self):
        qs = DisclosureEvent.objects.select_related("item", "department").order_by(
            "-occurred_at", "-id"
        )
        if sees_everything(self.request.user):
            return qs
        return qs.filter(department_id__in=department_ids(self.request.user))

    def create(self, request):
        data = DisclosureEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        event = services.record_event(
            v["item"],
            subject=v["subject"],
            event=v["event"],
            occurred_at=v["occurred_at"],
            reference=v.get("reference", ""),
            department=v.get("department"),
            user=request.user,
        )
        return Response(DisclosureEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublicationSerializer, responses=DisclosureEventSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """登记公开: when and where it was published (on time or late follows)."""
        event = self.get_object()
        data = PublicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.record_publication(
            event,
            published_at=data.validated_data["published_at"],
            where=data.validated_data["where"],
            user=request.user,
        )
        return Response(DisclosureEventSerializer(event).data)
