"""API of the insights app."""

from ninja import Router

router = Router(tags=["insights"])
