"""The measure ↔ proposal link moved to the proposals app (state only: the table
`strategy_measure_proposals` and its rows stay as they are)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0002_goals_kpis_measures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.RemoveField(model_name="measure", name="proposals")],
        ),
    ]
