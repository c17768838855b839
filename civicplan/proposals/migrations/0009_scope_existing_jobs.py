"""Jobs started before jobs had a scope: imports and campaign analyses get their campaign's
region, so that only staff of that region see and cancel them."""

from django.db import migrations


def scope_jobs(apps, schema_editor):
    job_model = apps.get_model("core", "Job")
    campaign_model = apps.get_model("campaigns", "Campaign")
    import_model = apps.get_model("proposals", "ProposalImport")
    regions = dict(campaign_model.objects.values_list("pk", "region_id"))
    for record in import_model.objects.exclude(job=None).only("job_id", "campaign_id"):
        job_model.objects.filter(pk=record.job_id, scope_region_id=None).update(
            scope_region_id=regions.get(record.campaign_id)
        )
    for job in job_model.objects.filter(scope_region_id=None).only("pk", "params"):
        campaign_id = (job.params or {}).get("campaign_id")
        if campaign_id in regions:
            job_model.objects.filter(pk=job.pk).update(scope_region_id=regions[campaign_id])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_no_email_signatures"),
        ("core", "0003_job_scope"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(scope_jobs, migrations.RunPython.noop)]
