"""Comment signatures that were e-mail addresses (an account without a name was signed by its
e-mail) become «Житель № <id>», or «Участник» for a comment without an account."""

from django.db import migrations


def unsign_emails(apps, schema_editor):
    from civicplan.accounts.names import display_name_clean

    comment_model = apps.get_model("publications", "Comment")
    for comment in comment_model.objects.filter(author_name__contains="@").iterator():
        if display_name_clean(comment.author_name):
            continue
        name = f"Житель № {comment.author_id}" if comment.author_id else "Участник"
        comment_model.objects.filter(pk=comment.pk).update(author_name=name)


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [migrations.RunPython(unsign_emails, migrations.RunPython.noop)]
