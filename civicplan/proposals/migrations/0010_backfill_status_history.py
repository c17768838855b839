"""Give every proposal without a status history the entries its own fields can vouch for.

Until every channel went through `proposals_record`, imported, session and demo proposals
were stored without history, so «История рассмотрения» was empty. From what is stored we
know truthfully when the proposal arrived (`created_at`) and which status it has now, and
roughly when it got there (`answered_at`, `published_at`); the intermediate steps are lost,
and the entries say so. Nothing is invented: no actor, no reason beyond that.
"""

from django.db import migrations

ARRIVED = "Предложение поступило (запись восстановлена по данным предложения)."
RESTORED = (
    "Текущий статус восстановлен по данным предложения; "
    "промежуточные шаги рассмотрения не сохранились."
)
BATCH = 1000


def backfill(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Change = apps.get_model("proposals", "ProposalStatusChange")
    missing = (
        Proposal.objects.filter(status_changes__isnull=True)
        .order_by("pk")
        .values_list("pk", "status", "created_at", "published_at", "answered_at")
    )
    rows = []
    for pk, status, created_at, published_at, answered_at in list(missing):
        rows.append(
            Change(
                proposal_id=pk,
                from_status="",
                to_status="new",
                reason=ARRIVED,
                changed_at=created_at,
            )
        )
        if status != "new":
            rows.append(
                Change(
                    proposal_id=pk,
                    from_status="new",
                    to_status=status,
                    reason=RESTORED,
                    changed_at=max(answered_at or published_at or created_at, created_at),
                )
            )
        if len(rows) >= BATCH:
            Change.objects.bulk_create(rows)
            rows = []
    Change.objects.bulk_create(rows)


def unbackfill(apps, schema_editor):
    Change = apps.get_model("proposals", "ProposalStatusChange")
    Change.objects.filter(reason__in=[ARRIVED, RESTORED], actor__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_scope_existing_jobs")]

    operations = [migrations.RunPython(backfill, unbackfill)]
