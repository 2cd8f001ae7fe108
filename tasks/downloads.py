"""An evidence file as a download: the one implementation behind the API's and the staff
pages' attachment URLs."""

from __future__ import annotations

from django.http import FileResponse

from .selectors import attachment_for


def attachment_download(user, pk: int) -> FileResponse:
    """The file of attachment ``pk`` if the user may read its task (else 404), sent as an
    attachment under its original name, never rendered by the browser."""
    attachment = attachment_for(user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
