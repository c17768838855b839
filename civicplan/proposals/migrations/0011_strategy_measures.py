"""`Proposal.strategy_measures` over the existing `strategy_measure_proposals` table (state
only: the link moved from strategy, which sits below proposals; no row is touched)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0010_backfill_status_history"),
        ("strategy", "0003_measure_proposals_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AddField(
                    model_name="proposal",
                    name="strategy_measures",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="strategy_measure_proposals",
                        help_text="Мероприятия стратегии, которые отвечают на предложение.",
                        related_name="proposals",
                        related_query_name="proposals",
                        to="strategy.measure",
                        verbose_name="мероприятия стратегии",
                    ),
                ),
            ],
        ),
    ]
