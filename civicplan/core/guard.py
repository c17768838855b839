"""One guard in front of every view against malformed requests, so that no parameter can
crash a page or the API with a 500:

- a query parameter (name or value) with a NUL or another control character — PostgreSQL
  cannot store or compare such text — answers 400;
- a NUL in a submitted form field is dropped (the rest of the text is kept; PostgreSQL cannot
  store it and Django's form fields refuse it, but some views read the form directly);
- a whole number in a query parameter or a path segment beyond the 64-bit range the
  databases hold (SQLite raises OverflowError, PostgreSQL a DataError) answers 400 or 404;
- on the JSON API: a body that is not JSON (`Content-Type`) answers 415, a body over
  DATA_UPLOAD_MAX_MEMORY_SIZE answers 413, and a JSON text with «\\u0000» answers 400 — each
  in the API's error shape, never an HTML page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

INT64_MAX = 2**63 - 1
_LONG_INTEGER = re.compile(r"^[+-]?\d{19,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def out_of_range(text: str) -> bool:
    return bool(_LONG_INTEGER.match(text.strip())) and abs(int(text)) > INT64_MAX


def _api_error(status: int, detail: str, code: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code, "field": field, "errors": []},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _drop_nul_from_form(request: HttpRequest) -> None:
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return
    try:
        form = request.POST
    except Exception:  # a malformed body is Django's to refuse, later, as before
        return
    if not any("\x00" in value for _name, values in form.lists() for value in values):
        return
    cleaned = form.copy()
    for name, values in form.lists():
        cleaned.setlist(name, [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    request.POST = cleaned  # type: ignore[assignment]  # a QueryDict made immutable above


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        refusal = self._query_refusal(request, api=api)
        if refusal is None and api and request.method in _WRITE_METHODS:
            refusal = self._api_body_refusal(request)
        if refusal is not None:
            refusal["Cache-Control"] = "no-store"
            return refusal
        if not api and request.method == "POST":
            _drop_nul_from_form(request)
        if any(out_of_range(part) for part in request.path.split("/") if part):
            if api:
                return _api_error(404, _("Не найдено."), "not_found")
            raise Http404(_("Такой страницы нет."))
        return self.get_response(request)

    def _query_refusal(self, request: HttpRequest, *, api: bool) -> HttpResponse | None:
        for name, values in request.GET.lists():
            for value in [name, *values]:
                if _CONTROL.search(value):
                    reason = _("В параметре «%(name)s» есть недопустимые управляющие символы.")
                elif out_of_range(value):
                    reason = _("Число в параметре «%(name)s» слишком большое.")
                else:
                    continue
                reason %= {"name": _CONTROL.sub("", name)[:40]}
                if api:
                    return _api_error(400, reason, "bad_parameter", _CONTROL.sub("", name)[:40])
                return render(request, "core/bad_request.html", {"reason": reason}, status=400)
        return None

    def _api_body_refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length and not chunked:
            return None
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if limit and length > limit:
            return _api_error(
                413,
                _("Тело запроса больше %(mb)d МБ — сократите его.") % {"mb": limit // 2**20},
                "payload_too_large",
            )
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            return _api_error(
                415,
                _("API принимает только JSON: укажите заголовок Content-Type: application/json."),
                "unsupported_media_type",
            )
        try:
            body = request.body
        except Exception:  # RequestDataTooBig for a chunked body over the limit
            return _api_error(
                413,
                _("Тело запроса больше %(mb)d МБ — сократите его.") % {"mb": limit // 2**20},
                "payload_too_large",
            )
        if b"\\u0000" in body or b"\x00" in body:
            return _api_error(
                400, _("Текст не может содержать нулевой символ (\\u0000)."), "bad_character"
            )
        return None
