"""A GIN index for the Russian full-text search of the proposal list (PostgreSQL only).

The expression is exactly what `SearchVector("title", "text", config="russian")` compiles
to, so the planner uses the index for `selectors._text_search` and `proposal_similar`.
SQLite has no full-text search here and gets nothing.
"""

from django.db import migrations

INDEX = "proposals_text_search_ru"
EXPRESSION = (
    "to_tsvector('russian'::regconfig, COALESCE(\"title\", '') || ' ' || COALESCE(\"text\", ''))"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON proposals_proposal USING gin ({EXPRESSION})"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
