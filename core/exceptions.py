"""Errors the services raise and the API answers: one handler turns Django's errors into
REST framework's, so no view wraps its service calls."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.views import exception_handler


class Conflict(Exception):
    """A write refused because the record changed since the client read it (HTTP 409)."""


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "记录已被他人修改，请刷新后重试"
    default_code = "conflict"


def api_exception_handler(exc, context):
    """REST framework's handler, after Django's ValidationError became a 400 with its
    messages and a Conflict a 409 (Django's PermissionDenied and Http404 it knows already)."""
    if isinstance(exc, Conflict):
        exc = ConflictError(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    return exception_handler(exc, context)
