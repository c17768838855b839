"""The database schema follows the same layers as the imports: a model points (foreign key,
one-to-one, many-to-many) only at its own app or at apps below it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps

# Relations that point up on purpose, with the reason. Nothing else may.
ALLOWED = {
    # Django's own way: every app names the user model through AUTH_USER_MODEL.
    ("core", "accounts"): "jobs and audit rows name their user",
    # A campaign names the strategy it feeds; the strategy does not know campaigns.
    ("campaigns", "strategy"): "Campaign.strategy",
}


def _ranks() -> dict[str, int]:
    """App label → height in the layers contract of pyproject.toml (core is 0)."""
    data = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    contract = next(c for c in data["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    ranks: dict[str, int] = {}
    for height, layer in enumerate(reversed(contract["layers"])):
        for module in layer.replace(":", "|").split("|"):
            ranks[module.strip().strip("()").rsplit(".", 1)[-1]] = height
    return ranks


def test_no_model_points_at_an_app_above_its_own() -> None:
    ranks = _ranks()
    upward = []
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in ranks:
            continue  # Django's own apps
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in ranks and ranks[target] > ranks[source]:
                if (source, target) not in ALLOWED:
                    upward.append(f"{model.__name__}.{field.name} → {target}")
    assert upward == []


def test_a_measure_does_not_name_proposals_in_its_schema() -> None:
    measure = apps.get_model("strategy", "Measure")
    forward = [f for f in measure._meta.get_fields() if f.is_relation and not f.auto_created]
    assert all(f.related_model._meta.app_label != "proposals" for f in forward)
    proposal = apps.get_model("proposals", "Proposal")
    assert proposal._meta.get_field("strategy_measures").remote_field.through._meta.db_table == (
        "strategy_measure_proposals"
    )
