"""Attachments and imported tables become private files with random names.

Files uploaded before lived in MEDIA_ROOT, served publicly: attachments under the author's
tracking code, imports under the upload time. They move to PRIVATE_MEDIA_ROOT under new random
names (the public copies and the folders named by tracking codes are removed); the table of an
import that has already been read is deleted, as the import now does itself.
"""

import os
from pathlib import PurePosixPath

from django.db import migrations, models

import civicplan.core.private_files
import civicplan.proposals.models


def _remove_empty_parents(storage, name: str) -> None:
    parent = PurePosixPath(name).parent
    while str(parent) not in ("", "."):
        try:
            os.rmdir(storage.path(str(parent)))
        except OSError:
            return
        parent = parent.parent


def move_to_private(apps, schema_editor):
    from django.core.files.storage import default_storage

    from civicplan.core.private_files import private_name, private_storage

    private = private_storage()
    for model_name, folder in (
        ("Attachment", "attachments"),
        ("ProposalImport", "proposal-imports"),
    ):
        model = apps.get_model("proposals", model_name)
        for row in model.objects.exclude(file="").iterator():
            old = row.file.name
            if not default_storage.exists(old):
                continue  # already private (run twice) or lost before
            finished = model_name == "ProposalImport" and bool((row.report or {}).get("summary"))
            if finished:
                model.objects.filter(pk=row.pk).update(file="")
            else:
                with default_storage.open(old, "rb") as source:
                    saved = private.save(private_name(folder, old), source)
                model.objects.filter(pk=row.pk).update(file=saved)
            default_storage.delete(old)
            _remove_empty_parents(default_storage, old)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_queue_index")]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=civicplan.core.private_files.private_storage,
                upload_to=civicplan.proposals.models.attachment_path,
                verbose_name="файл",
            ),
        ),
        migrations.AlterField(
            model_name="proposalimport",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=civicplan.core.private_files.private_storage,
                upload_to=civicplan.proposals.models.import_path,
                verbose_name="файл",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
