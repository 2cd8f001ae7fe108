"""Site-wide pages: the home page, the health check and the API token view."""

import logging

from axes.helpers import get_lockout_message
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the latest issue, recent issues and documents (public/views.py)."""
    from public.views import home as public_home

    return public_home(request)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and the container health check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_safe
def ping(request: HttpRequest) -> JsonResponse:
    """A constant JSON answer with no database work: the framework's floor in benchmarks."""
    return JsonResponse({"status": "ok"})


class ThrottledAuthToken(ObtainAuthToken):
    """POST /api/auth/token/: DRF's token view, answering 429 once django-axes locks the
    username+IP out. DRF passes its request to authenticate(), so axes counts the failures and
    refuses even the right password during the lockout; but it marks the DRF request, which its
    middleware does not see, and the view would say only "wrong credentials" (400)."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": get_lockout_message()}, status=settings.AXES_HTTP_RESPONSE_CODE
                )
            raise


obtain_auth_token = ThrottledAuthToken.as_view()
