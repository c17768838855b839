"""Shared API schemas."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every 4xx answer of the API: a message for people and a code for programs."""

    detail: str
    code: str
    field: str | None = None
    errors: list[dict[str, Any]] = []
