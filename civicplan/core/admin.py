from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicplan.core.jobs import job_cancel
from civicplan.core.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "title",
        "kind",
        "state",
        "progress_done",
        "progress_total",
        "created_at",
        "finished_at",
    )
    list_filter = ("state", "kind")
    search_fields = ("title", "kind", "error")
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["cancel_jobs"]

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.action(description=_("Отменить выбранные работы"))
    def cancel_jobs(self, request: object, queryset: object) -> None:
        for job in queryset:  # type: ignore[attr-defined]
            job_cancel(job=job)
