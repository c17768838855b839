"""How the proposals app exports and erases personal data (registered in AppConfig.ready):
a resident's «download my data», his erasure, and erasure when a campaign's retention ends."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from civicplan.core.private_files import private_file_delete
from civicplan.proposals.models import (
    Attachment,
    Comment,
    Proposal,
    ProposalImport,
    ProposalPersonalData,
    Support,
)


def _delete_all(files: list[Any]) -> None:
    for f in files:
        private_file_delete(f)


def _delete_later(stored: Any) -> None:
    transaction.on_commit(lambda: private_file_delete(stored))


def attachments_erase(attachments: Any) -> int:
    """Delete attachments (rows now, files once the transaction commits): photos and scans
    sent with a proposal may show the author, so they go with his personal data."""
    found = list(attachments)
    if not found:
        return 0
    Attachment.objects.filter(pk__in=[a.pk for a in found]).delete()
    files = [a.file for a in found]
    transaction.on_commit(lambda: _delete_all(files))
    return len(found)


def import_files_erase(imports: Any) -> int:
    """Delete the uploaded tables of imports (their rows and reports stay)."""
    found = [record for record in imports if record.file]
    for record in found:
        stored = record.file
        ProposalImport.objects.filter(pk=record.pk).update(file="")
        _delete_later(stored)
    return len(found)


def proposals_personal_data_export(user: Any) -> dict[str, Any]:
    proposals = Proposal.objects.filter(author=user).select_related("municipality")
    data = {
        d.proposal_id: d
        for d in ProposalPersonalData.objects.filter(proposal__author=user, erased_at__isnull=True)
    }
    return {
        "proposals": [
            {
                "id": p.pk,
                "text": p.text,
                "status": p.get_status_display(),
                "municipality": p.municipality.name if p.municipality else None,
                "created_at": p.created_at.isoformat(),
                "tracking_code": p.tracking_code,
                "name": data[p.pk].name if p.pk in data else None,
                "email": data[p.pk].email if p.pk in data else None,
                "phone": data[p.pk].phone if p.pk in data else None,
                "age_group": data[p.pk].age_group if p.pk in data else None,
            }
            for p in proposals
        ],
        "proposal_supports": [
            {"proposal": s.proposal_id, "created_at": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user)
        ],
        "proposal_comments": [
            {"proposal": c.proposal_id, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in Comment.objects.filter(author=user)
        ],
    }


def _erase(data_qs: Any, *, dry_run: bool) -> int:
    count = data_qs.count()
    if dry_run or not count:
        return count
    now = timezone.now()
    proposal_ids = list(data_qs.values_list("proposal_id", flat=True))
    data_qs.update(name="", email="", phone="", age_group="", show_name=False, erased_at=now)
    Proposal.objects.filter(pk__in=proposal_ids).update(author=None, author_display_name="")
    attachments_erase(Attachment.objects.filter(proposal_id__in=proposal_ids))
    return count


@transaction.atomic
def proposals_personal_data_erase(
    *, user: Any = None, campaign: Any = None, dry_run: bool = False
) -> int:
    """Erase the authors' data of one user's proposals, or of a whole campaign's proposals.

    The proposals stay, anonymous. For a user his comments lose their signature and his
    supports are removed (the counters are recounted)."""
    if user is not None:
        data = ProposalPersonalData.objects.filter(
            Q(proposal__author=user) | Q(email__iexact=user.email), erased_at__isnull=True
        )
        affected = _erase(data, dry_run=dry_run)
        comments = Comment.objects.filter(author=user)
        supports = Support.objects.filter(user=user)
        affected += comments.count() + supports.count()
        attachments = Attachment.objects.filter(proposal__author=user)
        affected += attachments.count()
        if dry_run:
            return affected
        attachments_erase(attachments)
        Proposal.objects.filter(author=user).update(author=None, author_display_name="")
        comments.update(author=None, author_display_name="")
        touched = list(supports.values_list("proposal_id", flat=True))
        supports.delete()
        counts = (
            Support.objects.filter(proposal=OuterRef("pk"))
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Proposal.objects.filter(pk__in=touched).update(supports_count=Coalesce(Subquery(counts), 0))
        return affected
    if campaign is not None:
        data = ProposalPersonalData.objects.filter(
            proposal__campaign=campaign, erased_at__isnull=True
        )
        files = ProposalImport.objects.filter(campaign=campaign).exclude(file="")
        attachments = Attachment.objects.filter(proposal__campaign=campaign)
        if dry_run:
            return _erase(data, dry_run=True) + files.count() + attachments.count()
        return (
            _erase(data, dry_run=False) + import_files_erase(files) + attachments_erase(attachments)
        )
    return 0
