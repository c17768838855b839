"""The potential index in the platform: stored scores, pages, admin weights, export, API."""

from __future__ import annotations

import io
import math
import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from civicplan.core.models import Job
from civicplan.potential.models import (
    PotentialIndicator,
    PotentialMethodology,
    PotentialScore,
)
from civicplan.potential.services import (
    potential_ensure_computed,
    potential_methodology_create_default,
    potential_recompute,
)
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db

OTRADNY = "36724000000"


@pytest.fixture
def computed(samara):
    potential_ensure_computed()
    return PotentialMethodology.objects.get(is_active=True)


def _score(oktmo: str = OTRADNY) -> PotentialScore:
    return PotentialScore.objects.select_related("municipality").get(
        municipality__oktmo=oktmo, methodology__is_active=True
    )


def _ranking(methodology: PotentialMethodology) -> list[str]:
    return list(
        PotentialScore.objects.filter(methodology=methodology, index__isnull=False)
        .order_by("-index", "municipality__oktmo")
        .values_list("municipality__oktmo", flat=True)
    )


def test_every_municipality_of_the_region_gets_a_score_with_its_explanation(computed):
    scores = PotentialScore.objects.filter(methodology=computed)

    assert scores.count() == Municipality.objects.count() == 37
    otradny = _score()
    assert 0 <= otradny.index <= 100
    assert 1 <= otradny.rank_region <= otradny.count_region <= 37
    assert otradny.size_class == "20k_50k"
    assert otradny.details["explanation"].startswith("Сильные стороны: ")
    points = sum(c["points"] for c in otradny.details["contributions"])
    assert points == pytest.approx(otradny.index, abs=0.01)
    assert otradny.cluster_name
    peers = otradny.details["peers"]
    assert peers and all(p["oktmo"] != OTRADNY for p in peers)
    peer_classes = set(
        PotentialScore.objects.filter(
            methodology=computed, municipality__oktmo__in=[p["oktmo"] for p in peers]
        ).values_list("size_class", flat=True)
    )
    assert peer_classes == {"20k_50k"}


def test_recomputing_replaces_scores_instead_of_adding(computed):
    potential_recompute(methodology=computed)

    assert PotentialScore.objects.filter(methodology=computed).count() == 37


def test_profile_shows_index_explanation_type_peers_and_trend(client, computed):
    score = _score()

    html = client.get(f"/territories/municipalities/{OTRADNY}/potential/").content.decode()

    assert "Потенциал: городской округ Отрадный" in html
    index_text = f"{score.index:.1f}".replace(".", ",")
    assert index_text in html
    assert "Сильные стороны:" in html
    assert f"{score.rank_region}-е из {score.count_region}" in html
    assert "Аналоги по России" in html
    first_peer = score.details["peers"][0]["name"]
    assert first_peer in html
    assert f"Тип: «{score.cluster_name}»" in html
    assert "Исходные показатели и их динамика" in html and "46\u00a0480" in html
    assert html.count("<svg") >= 2


def test_municipality_page_shows_the_index_and_links_to_the_profile(client, computed):
    html = client.get(f"/territories/municipalities/{OTRADNY}/").content.decode()

    assert "Потенциал развития" in html
    assert f"/territories/municipalities/{OTRADNY}/potential/" in html


def test_profile_is_404_until_the_index_is_computed(client, samara):
    response = client.get(f"/territories/municipalities/{OTRADNY}/potential/")

    assert response.status_code == 404


def _admin_post_data(methodology: PotentialMethodology, weights: dict[str, float]) -> dict:
    subs = list(methodology.subindices.order_by("order"))
    data = {
        "name": methodology.name,
        "version": methodology.version,
        "is_active": "on",
        "method": methodology.method,
        "scope": methodology.scope,
        "winsor_lower": methodology.winsor_lower,
        "winsor_upper": methodology.winsor_upper,
        "min_group_size": methodology.min_group_size,
        "min_coverage": methodology.min_coverage,
        "clusters": methodology.clusters,
        "peers": methodology.peers,
        "subindices-TOTAL_FORMS": len(subs),
        "subindices-INITIAL_FORMS": len(subs),
        "subindices-MIN_NUM_FORMS": 0,
        "subindices-MAX_NUM_FORMS": 1000,
        "_save": "Сохранить",
    }
    for i, sub in enumerate(subs):
        data.update(
            {
                f"subindices-{i}-id": sub.pk,
                f"subindices-{i}-methodology": methodology.pk,
                f"subindices-{i}-order": sub.order,
                f"subindices-{i}-code": sub.code,
                f"subindices-{i}-name": sub.name,
                f"subindices-{i}-weight": weights.get(sub.code, sub.weight),
                f"subindices-{i}-high_label": sub.high_label,
                f"subindices-{i}-low_label": sub.low_label,
            }
        )
    return data


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _recompute_job() -> Job:
    return Job.objects.get(kind="potential.recompute")


def test_changing_a_weight_in_the_admin_changes_the_ranking(
    admin_client, computed, django_capture_on_commit_callbacks
):
    before = _ranking(computed)
    otradny_before = _score().rank_region

    with django_capture_on_commit_callbacks(execute=True) as started:
        response = admin_client.post(
            f"/admin/potential/potentialmethodology/{computed.pk}/change/",
            _admin_post_data(
                computed,
                {"demography": 0, "migration": 0, "income": 0, "economy": 0, "market": 1},
            ),
            follow=True,
        )

    assert response.status_code == 200
    # The save answers at once and hands the 2–7 s recompute to a job with a progress bar.
    assert "пересчитывается в фоне" in _messages(response)
    assert len(started) == 1
    job = _recompute_job()
    assert f"/jobs/{job.pk}/" in response.content.decode()
    assert job.state == Job.State.SUCCEEDED
    assert any("пересчитан" in m for m in job.messages)
    page = admin_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Индекс потенциала по методике" in page and "<progress" in page
    after = _ranking(computed)
    assert after != before
    # Markets only: the index is the market-access score, so the ranking follows it.
    scores = PotentialScore.objects.filter(methodology=computed, index__isnull=False)
    by_market = sorted(scores, key=lambda s: -(s.subindices["market"] or 0))
    assert after[0] == by_market[0].municipality.oktmo
    for s in scores:
        assert s.index == pytest.approx(s.subindices["market"], abs=0.01)
    assert _score().rank_region != otradny_before


def test_weights_not_summing_to_one_are_normalised_and_the_admin_says_so(
    admin_client, computed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/potential/potentialmethodology/{computed.pk}/change/",
            _admin_post_data(
                computed, {"demography": 2, "migration": 1, "income": 1, "economy": 1, "market": 1}
            ),
            follow=True,
        )

    job = _recompute_job()
    messages = admin_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Сумма весов субиндексов равна 6" in messages
    assert "пропорционально" in messages
    assert _score().index is not None


def test_all_zero_weights_are_refused_and_nothing_changes(admin_client, computed):
    before = {s.pk: s.index for s in PotentialScore.objects.filter(methodology=computed)}
    weights_before = list(computed.subindices.values_list("weight", flat=True))

    response = admin_client.post(
        f"/admin/potential/potentialmethodology/{computed.pk}/change/",
        _admin_post_data(
            computed, {c: 0 for c in ("demography", "migration", "income", "economy", "market")}
        ),
    )

    assert response.status_code == 200  # the form is shown again with the error
    assert "Сумма весов субиндексов равна нулю" in response.content.decode()
    assert list(computed.subindices.values_list("weight", flat=True)) == weights_before
    after = {s.pk: s.index for s in PotentialScore.objects.filter(methodology=computed)}
    assert after == before


def test_indicator_without_its_parameters_is_refused(computed):
    indicator = PotentialIndicator.objects.get(
        subindex__methodology=computed, code="share_age_0_14"
    )
    indicator.base = ""

    with pytest.raises(ValidationError, match="база"):
        indicator.full_clean()


def test_region_table_sorts_by_any_subindex(client, computed):
    response = client.get("/territories/regions/63/potential/", {"sort": "market", "order": "desc"})
    html = response.content.decode()

    best = max(
        PotentialScore.objects.filter(methodology=computed),
        key=lambda s: s.subindices.get("market") or -1,
    )
    table = html.split('id="potential-table"')[1]
    first_link = re.search(r'href="/territories/municipalities/(\d{11})/potential/"', table)
    assert first_link and first_link.group(1) == best.municipality.oktmo
    assert 'aria-sort="descending"' in table
    assert "<svg" in html  # the map and the chart


def test_region_table_answers_htmx_with_the_table_only(client, computed):
    response = client.get(
        "/territories/regions/63/potential/",
        {"sort": "name", "order": "asc"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()

    assert "<html" not in html and "<table" in html
    names = re.findall(r'/potential/">([^<]+)</a>', html)
    assert names == sorted(names)


def test_xlsx_export_lists_every_municipality_with_its_subindices(client, computed):
    response = client.get("/territories/regions/63/potential.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Индекс потенциала"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Место в регионе",
        "ОКТМО",
        "Муниципальное образование",
        "Население, чел.",
        "Группа по численности",
        "Индекс потенциала",
    )
    assert "Субиндекс «Демография»" in rows[0]
    assert len(rows) == 38
    otradny = next(r for r in rows if r[1] == OTRADNY)
    assert otradny[5] == pytest.approx(round(_score().index, 1))
    assert "Методика" in book.sheetnames


def test_api_gives_index_with_contributions_and_peers(client, computed):
    data = client.get(f"/api/v1/potential/municipalities/{OTRADNY}/").json()

    assert data["name"] == "городской округ Отрадный"
    assert sum(c["points"] for c in data["contributions"]) == pytest.approx(data["index"], abs=0.01)
    peers = client.get(f"/api/v1/potential/municipalities/{OTRADNY}/peers/").json()
    assert peers and {"oktmo", "similarity", "index"} <= set(peers[0])
    region = client.get("/api/v1/potential/regions/63/", {"sort": "income"}).json()
    incomes = [r["subindices"]["income"] for r in region if r["subindices"]["income"] is not None]
    assert incomes == sorted(incomes, reverse=True)
    method = client.get("/api/v1/potential/methodology/").json()
    assert math.isclose(sum(s["weight"] for s in method["subindices"]), 1.0, abs_tol=1e-6)


def test_api_unknown_municipality_is_a_clear_404(client, computed):
    response = client.get("/api/v1/potential/municipalities/00000000000/")

    assert response.status_code == 404
    assert "не найдено" in response.json()["detail"]


def test_second_default_methodology_is_inactive_and_does_not_change_pages(computed):
    copy = potential_methodology_create_default(name="Копия для экспериментов", activate=False)

    assert not copy.is_active
    assert PotentialMethodology.objects.get(is_active=True) == computed


def test_recompute_command_creates_the_default_methodology_when_there_is_none(samara):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("potential_recompute", stdout=out)

    assert "Создана базовая методика" in out.getvalue()
    assert "индекс рассчитан для 37" in out.getvalue()
    assert PotentialScore.objects.filter(methodology__is_active=True).count() == 37


def test_making_another_methodology_active_in_the_admin_switches_the_pages(
    admin_client, computed, django_capture_on_commit_callbacks
):
    copy = potential_methodology_create_default(name="Только рынки", activate=False)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/potential/potentialmethodology/{copy.pk}/change/",
            _admin_post_data(
                copy, {"demography": 0, "migration": 0, "income": 0, "economy": 0, "market": 1}
            ),
        )

    active = PotentialMethodology.objects.get(is_active=True)
    assert active.pk == copy.pk and active.computed_at is not None
    score = _score()
    assert score.methodology_id == copy.pk
    assert score.index == pytest.approx(score.subindices["market"], abs=0.01)


def test_municipality_with_most_values_missing_gets_a_message_and_the_others_an_index(
    client, samara
):
    from civicplan.territories.models import Indicator, IndicatorValue

    bare = Municipality.objects.create(
        oktmo="36999000000",
        name="проверочный муниципальный округ Малоданный",
        short_name="Малоданный",
        region=samara,
    )
    IndicatorValue.objects.create(
        municipality=bare,
        indicator=Indicator.objects.get(code="market_access"),
        year=2024,
        value=120.0,
    )

    potential_ensure_computed()

    score = _score("36999000000")
    assert score.index is None and score.rank_region is None
    assert score.details["status"] == (
        "Индекс не рассчитан: данные есть по показателям с весом 15 % методики, "
        "нужно не меньше 50 %."
    )
    assert PotentialScore.objects.filter(index__isnull=False).count() == 37
    methodology = PotentialMethodology.objects.get(is_active=True)
    assert any("Малоданный" in n["message"] for n in methodology.notices)
    html = client.get("/territories/municipalities/36999000000/potential/").content.decode()
    assert "Индекс не рассчитан" in html and "Сильные стороны" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/potential/potentialmethodology/",
        "/admin/potential/potentialsubindex/?q=Демография",
        "/admin/potential/potentialindicator/?better__exact=lower",
        "/admin/potential/potentialscore/?size_class=20k_50k&q=Отрадный",
    ],
)
def test_admin_lists_of_the_potential_index_open_with_search_and_filters(
    admin_client, computed, path
):
    response = admin_client.get(path)

    assert response.status_code == 200


def test_admin_subindex_page_edits_indicator_weights(admin_client, computed):
    sub = computed.subindices.get(code="demography")

    html = admin_client.get(f"/admin/potential/potentialsubindex/{sub.pk}/change/").content.decode()

    assert "Доля детей 0–14 лет" in html and 'name="indicators-0-weight"' in html


def test_changing_an_indicator_weight_in_the_admin_recomputes_the_subindex(
    admin_client, computed, django_capture_on_commit_callbacks
):
    sub = computed.subindices.get(code="demography")
    indicators = list(sub.indicators.order_by("order"))
    data = {
        "methodology": computed.pk,
        "code": sub.code,
        "name": sub.name,
        "weight": sub.weight,
        "high_label": sub.high_label,
        "low_label": sub.low_label,
        "order": sub.order,
        "indicators-TOTAL_FORMS": len(indicators),
        "indicators-INITIAL_FORMS": len(indicators),
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    for i, ind in enumerate(indicators):
        for field in (
            "order",
            "code",
            "name",
            "unit",
            "better",
            "op",
            "source",
            "base",
            "prefix",
            "year",
            "min_count",
        ):
            data[f"indicators-{i}-{field}"] = getattr(ind, field)
        for field in ("from_year", "base_year"):
            value = getattr(ind, field)
            data[f"indicators-{i}-{field}"] = "" if value is None else value
        data[f"indicators-{i}-id"] = ind.pk
        data[f"indicators-{i}-subindex"] = sub.pk
        data[f"indicators-{i}-weight"] = 1 if ind.code == "share_age_0_14" else 0

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/potential/potentialsubindex/{sub.pk}/change/", data, follow=True
        )

    assert "пересчитывается в фоне" in _messages(response)
    assert any("пересчитан" in m for m in _recompute_job().messages)
    otradny = _score()
    kids = next(c for c in otradny.details["contributions"] if c["code"] == "share_age_0_14")
    assert otradny.subindices["demography"] == pytest.approx(kids["score"] * 100, abs=0.01)
