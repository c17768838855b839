"""API of the publications app."""

from ninja import Router

router = Router(tags=["publications"])
