"""The potential index moved to `civicplan.potential` (state only: its tables are kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_potential"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PotentialScore"),
                migrations.DeleteModel(name="PotentialIndicator"),
                migrations.DeleteModel(name="PotentialSubIndex"),
                migrations.DeleteModel(name="PotentialMethodology"),
            ],
        ),
    ]
