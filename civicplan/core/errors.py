"""Domain errors: raised by services, turned into 4xx answers by the API and into form errors
by the pages. Messages are for people and are in Russian."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken; `status` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.errors = errors or []

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": self.message,
            "code": self.code,
            "field": self.field,
            "errors": self.errors,
        }


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
