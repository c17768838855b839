"""API of the strategy app."""

from ninja import Router

router = Router(tags=["strategy"])
