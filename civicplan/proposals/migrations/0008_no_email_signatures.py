"""Signatures that were e-mail addresses (an account without a name was signed by its e-mail)
become «Житель № <id>» for comments of an account, and are removed from proposals."""

from django.db import migrations


def unsign_emails(apps, schema_editor):
    from civicplan.accounts.names import display_name_clean

    comment_model = apps.get_model("proposals", "Comment")
    for comment in comment_model.objects.filter(author_display_name__contains="@").iterator():
        if display_name_clean(comment.author_display_name):
            continue
        name = f"Житель № {comment.author_id}" if comment.author_id else ""
        comment_model.objects.filter(pk=comment.pk).update(author_display_name=name)
    proposal_model = apps.get_model("proposals", "Proposal")
    for proposal in proposal_model.objects.filter(author_display_name__contains="@").iterator():
        if not display_name_clean(proposal.author_display_name):
            proposal_model.objects.filter(pk=proposal.pk).update(author_display_name="")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_private_files")]

    operations = [migrations.RunPython(unsign_emails, migrations.RunPython.noop)]
