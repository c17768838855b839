"""The potential index moved from `territories` to its own app without losing a row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("territories", "0002_potential"), ("contenttypes", "0002_remove_content_type_name")]
AFTER = [("potential", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_moving_the_app_keeps_methodologies_scores_and_permissions() -> None:
    # given a database as it was before the move, with a methodology and a score in it
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    region = old.get_model("territories", "Region").objects.create(
        code=63, name="Самарская область"
    )
    town = old.get_model("territories", "Municipality").objects.create(
        oktmo="36724000000", name="городской округ Отрадный", short_name="Отрадный", region=region
    )
    methodology = old.get_model("territories", "PotentialMethodology").objects.create(
        name="Базовая методика", is_active=True
    )
    old.get_model("territories", "PotentialSubIndex").objects.create(
        methodology=methodology, code="demography", name="Демография", weight=0.3
    )
    old.get_model("territories", "PotentialScore").objects.create(
        methodology=methodology,
        municipality=town,
        index=61.5,
        computed_at="2026-11-20T10:00:00+00:00",
    )
    content_type = old.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="territories", model="potentialmethodology")

    # when the migrations run forward
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    # then every row is there under the new app, and the content type followed the model
    new = executor.loader.project_state(AFTER).apps
    score = new.get_model("potential", "PotentialScore").objects.get()
    assert (score.index, score.municipality.short_name) == (61.5, "Отрадный")
    assert score.methodology.subindices.get().name == "Демография"
    labels = set(
        new.get_model("contenttypes", "ContentType")
        .objects.filter(model="potentialmethodology")
        .values_list("app_label", flat=True)
    )
    assert labels == {"potential"}

    # and the database is left fully migrated for the tests that follow
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
