"""E-mails to the author of a proposal. Sent after the transaction commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from civicplan.proposals.models import Proposal, ProposalPersonalData

logger = logging.getLogger(__name__)


def tracking_url(proposal: Proposal) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("proposals:track", args=[proposal.tracking_code])


def author_email(proposal: Proposal) -> str:
    """The author's address for letters, while his personal data are kept."""
    data = ProposalPersonalData.objects.filter(proposal=proposal, erased_at__isnull=True).first()
    return data.email if data and data.email else ""


def author_notify(
    *, proposal: Proposal, template: str, extra: dict[str, object] | None = None
) -> None:
    """Queue a letter to the author (if an e-mail was given and not erased).

    `template` names `proposals/email/<template>.txt`; its first line is the subject.
    """

    def _send() -> None:
        email = author_email(proposal)
        if not email:
            return
        context = {"proposal": proposal, "tracking_url": tracking_url(proposal), **(extra or {})}
        rendered = render_to_string(f"proposals/email/{template}.txt", context).strip()
        subject, _sep, body = rendered.partition("\n")
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, [email])
        except OSError:
            logger.exception("Could not send %s about proposal %s", template, proposal.pk)

    transaction.on_commit(_send)
