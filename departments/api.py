"""REST API for the department registry and the current user."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import is_secretariat, is_supervisor, roles
from .models import Department, Role
from .permissions import IsActiveUser, ReadOnlyOrSecretariat
from .serializers import DepartmentSerializer, MergeSerializer, MeSerializer
from .services import merge_department


class DepartmentViewSet(viewsets.ModelViewSet):
    """部门 with their aliases: everyone reads; the secretariat maintains the registry."""

    serializer_class = DepartmentSerializer
    permission_classes = [ReadOnlyOrSecretariat]
    filterset_fields = ["kind", "active", "needs_review"]
    search_fields = ["name", "short_name", "aliases__name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Department.objects.prefetch_related("aliases").order_by("kind", "name")

    @extend_schema(request=MergeSerializer, responses=DepartmentSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """并入: this department's name becomes an alias of another; assignments move over."""

        source = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = data.validated_data["into"]
        if target.pk == source.pk:
            raise ValidationError({"into": "不能将部门并入其自身"})
        merge_department(source, target)
        return Response(DepartmentSerializer(self.get_queryset().get(pk=target.pk)).data)


class MeView(APIView):
    """The current user: roles and departments."""

    permission_classes = [IsActiveUser]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        names = set(roles(user))
        if is_secretariat(user):
            names.add(Role.SECRETARIAT)
        if is_supervisor(user):
            names.add(Role.SUPERVISOR)
        depts = (
            Department.objects.filter(memberships__user=user)
            .prefetch_related("aliases")
            .order_by("name")
        )
        return Response(
            MeSerializer(
                {
                    "username": user.username,
                    "name": user.get_full_name() or user.first_name or user.username,
                    "roles": sorted(n for n in names if n in Role.ALL),
                    "departments": depts,
                }
            ).data
        )
