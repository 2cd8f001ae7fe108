"""Celery jobs of the documents app: the gazette PDF (thin wrappers around documents/pdf.py)."""

from celery import shared_task
from django.db import DatabaseError

# Rendering is idempotent (same content, same file), so a job lost with its worker may run
# again (acks_late); WeasyPrint on a long issue takes seconds, well inside the time limits.
PDF_JOB = {
    "acks_late": True,
    "autoretry_for": (DatabaseError, OSError),
    "max_retries": 2,
    "retry_backoff": 60,
    "soft_time_limit": 300,
    "time_limit": 360,
}


@shared_task(name="documents.render_issue_pdf", **PDF_JOB)
def render_issue_pdf(issue_id: int, force: bool = False) -> dict:
    """Render (or find current) the PDF of one issue and store it with the issue."""
    from .models import GazetteIssue
    from .pdf import ensure_issue_pdf

    issue = GazetteIssue.objects.filter(pk=issue_id).first()
    if issue is None:  # deleted since the job was queued
        return {"issue": issue_id, "rendered": False, "missing": True}
    issue, rendered = ensure_issue_pdf(issue, force=force)
    return {"issue": issue.key, "rendered": rendered, "file": issue.pdf.name}


@shared_task(name="documents.render_stale_issue_pdfs", **PDF_JOB)
def render_stale_issue_pdfs() -> list[str]:
    """Nightly: render the PDF of every published issue whose stored PDF is out of date."""
    from .pdf import ensure_issue_pdf, stale_published_issues

    return [ensure_issue_pdf(issue)[0].key for issue in stale_published_issues()]


@shared_task(
    name="documents.remind_expiring",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=3,
    retry_backoff=30,
)
def remind_expiring(day: str | None = None) -> dict:
    """Daily: the secretariat's reminder of documents whose validity ends within 30 working
    days (once per document and end date; documents/validity.py)."""
    from datetime import date

    from .validity import send_expiry_reminders

    return send_expiry_reminders(date.fromisoformat(day) if day else None).as_dict()
