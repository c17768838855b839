"""Health check, job progress pages and the data sources page."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from civicplan.core.errors import NotFound
from civicplan.core.jobs import access_job, job_cancel
from civicplan.core.models import Job


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal in the site's layout, in Russian, with a way back to the form."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    back_url = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE, "back_url": back_url}
    return render(request, "403_csrf.html", context, status=403)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _job(request: HttpRequest, pk: int) -> Job:
    try:
        return access_job(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@staff_member_required
@never_cache
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "core/job_detail.html", {"job": job, "can_cancel": True})


@staff_member_required
@never_cache
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "core/partials/job_progress.html", {"job": job, "can_cancel": True})
    if not job.is_active:
        # The page that polls this bar refreshes its figures on this event (htmx).
        response["HX-Trigger"] = "job-finished"
    return response


@staff_member_required
@never_cache
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file a finished job made (an export), to those who may see the job."""
    from types import SimpleNamespace

    from civicplan.core.private_files import private_file_response

    job = _job(request, pk)
    if job.state != Job.State.SUCCEEDED or not job.result.get("file"):
        raise Http404
    return private_file_response(
        SimpleNamespace(name=job.result["file"]),
        filename=job.result.get("filename") or "download",
        inline=False,
    )


@staff_member_required
@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    job_cancel(job=job)
    if getattr(request, "htmx", False):
        return render(request, "core/partials/job_progress.html", {"job": job})
    return redirect("core:job_detail", pk=job.pk)


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about_data.html")


SAFE_INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files for a site without a separate web server (nginx serves them in production).

    Files were checked by content on upload; here they get a fixed content type by extension,
    `nosniff`, a sandboxing CSP, and anything but images and PDF is downloaded, not shown.
    """
    from pathlib import Path

    from django.conf import settings
    from django.http import FileResponse, Http404
    from django.utils._os import safe_join

    try:
        full = Path(safe_join(str(settings.MEDIA_ROOT), path))
    except Exception as exc:  # SuspiciousFileOperation for ../
        raise Http404 from exc
    if not full.is_file():
        raise Http404
    content_type = SAFE_INLINE_TYPES.get(full.suffix.lower())
    response = FileResponse(
        full.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=full.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
