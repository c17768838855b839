"""The practice library: demo examples, search, proposals with moderation, recommendations."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.utils import timezone

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import role_grant
from civicplan.potential.services import potential_ensure_computed
from civicplan.practices import demo
from civicplan.practices.demo_data import PRACTICES
from civicplan.practices.models import Domain, Practice, PracticeStatus
from civicplan.practices.recommendations import practice_recommendations
from civicplan.practices.services import Figure, practice_create, practice_reject
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db

OTRADNY = "36724000000"
_codes = itertools.count(1)


@pytest.fixture
def library(samara):
    """Samara's municipalities, the potential index and the demo practices set there."""
    potential_ensure_computed()
    demo.load_practices()
    return Practice.objects.all()


def _user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password="проверка-пароля-2026", **extra)


def test_demo_practices_cover_the_domains_and_are_marked_as_examples(db):
    from civicplan.territories.testing import DATA, load_regions

    oktmos = {p["oktmo"] for p in PRACTICES}
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        regions = {int(r["region_code"]) for r in csv.DictReader(handle) if r["oktmo"] in oktmos}
    load_regions(*regions)

    out = io.StringIO()
    demo.load(stdout=out)

    practices = Practice.objects.all()
    assert practices.count() == len(PRACTICES) >= 30
    assert all(p.is_example and p.status == PracticeStatus.PUBLISHED for p in practices)
    assert all(p.figures.exists() for p in practices)
    used = set(Domain.objects.filter(practices__isnull=False).values_list("code", flat=True))
    assert {"demography", "youth", "employment", "business", "transport"} <= used
    assert "добавлено 34" in out.getvalue()
    demo.load(stdout=io.StringIO())  # a second run adds nothing
    assert Practice.objects.count() == len(PRACTICES)


def test_example_is_labelled_on_its_page(client, library):
    practice = library.get(title__startswith="Легализация уличной торговли")

    html = client.get(f"/practices/{practice.pk}/").content.decode()

    assert "Пример для демонстрации" in html
    assert "Продавцов с договором на место" in html and "96" in html
    assert "Сергиевский муниципальный район" in html


@pytest.mark.parametrize("term", ["торговл", "Торговл", "ТОРГОВЛ"])
def test_search_finds_a_practice_whatever_the_case(client, library, term):
    html = client.get("/practices/", {"q": term}).content.decode()

    assert "Легализация уличной торговли" in html
    assert "Единый диспетчер ЖКХ" not in html


def test_filters_by_domain_and_region(client, library):
    html = client.get("/practices/", {"domain": "transport", "region": 63}).content.decode()

    assert "Автобус до областного центра" in html
    assert "Семейная ипотека плюс" not in html


def test_search_answers_htmx_with_results_only(client, library):
    html = client.get("/practices/", {"q": "ясли"}, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in html and "Детский сад у дома" in html


def test_user_without_a_municipal_role_cannot_propose(client, library):
    client.force_login(_user("zhitel@example.ru"))

    response = client.get("/practices/propose/")

    assert response.status_code == 403
    assert "сотрудники администраций" in response.content.decode()


def _proposal_form(municipality: Municipality, domain: Domain, **over) -> dict:
    data = {
        "municipality": municipality.pk,
        "title": "Народный бюджет для дворов",
        "problem": "Дворы не ремонтировали двадцать лет.",
        "actions": "Жители сами выбирали дворы для ремонта голосованием.",
        "results": "Отремонтировано 12 дворов.",
        "year_start": 2022,
        "year_end": "",
        "domains": [domain.pk],
        "figure_1_name": "Отремонтированных дворов",
        "figure_1_before": "0",
        "figure_1_after": "12",
        "figure_1_unit": "дворов",
    }
    data.update(over)
    return data


def test_municipality_proposes_a_practice_and_a_regional_moderator_publishes_it(client, library):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    kinel = Municipality.objects.get(oktmo="36708000000")
    author = _user("ekonomika@otradny.example.ru")
    role_grant(user=author, role=Role.MUNICIPAL_MODERATOR, municipality=otradny)
    client.force_login(author)
    housing = Domain.objects.get(code="housing")

    form_html = client.get("/practices/propose/").content.decode()
    response = client.post("/practices/propose/", _proposal_form(otradny, housing), follow=True)

    assert "городской округ Кинель" not in form_html  # only his own municipality
    practice = Practice.objects.get(title="Народный бюджет для дворов")
    assert practice.status == PracticeStatus.PROPOSED and practice.proposed_by == author
    assert "отправлена на модерацию" in response.content.decode()
    assert [(f.name, f.before, f.after) for f in practice.figures.all()] == [
        ("Отремонтированных дворов", 0.0, 12.0)
    ]
    assert "Народный бюджет" not in client.get("/practices/").content.decode()
    # Speaking for another municipality is refused.
    response = client.post("/practices/propose/", _proposal_form(kinel, housing, title="Чужая"))
    assert not Practice.objects.filter(title="Чужая").exists()

    moderator = _user("moderator@samregion.example.ru")
    role_grant(user=moderator, role=Role.REGIONAL_MODERATOR, region=otradny.region)
    client.force_login(moderator)
    queue = client.get("/practices/moderation/").content.decode()
    assert "Народный бюджет для дворов" in queue
    client.post(f"/practices/{practice.pk}/moderate/", {"decision": "publish", "note": ""})

    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED and practice.moderated_by == moderator
    client.logout()
    assert "Народный бюджет" in client.get("/practices/").content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"year_end": 2019}, "Год окончания не может быть раньше года начала"),
        ({"year_start": 2999}, "Убедитесь, что это значение меньше либо равно"),
        ({"figure_1_after": ""}, "Укажите, каким стал показатель"),
        ({"figure_1_name": ""}, "Назовите показатель"),
        ({"domains": []}, "Обязательное поле"),
        ({"document_url": "https://example.ru/doc.pdf"}, "Назовите документ"),
    ],
)
def test_bad_proposal_is_refused_with_a_reason_and_nothing_stored(client, library, change, message):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    author = _user("ekonomika@otradny.example.ru")
    role_grant(user=author, role=Role.MUNICIPAL_MODERATOR, municipality=otradny)
    client.force_login(author)
    before = Practice.objects.count()

    response = client.post(
        "/practices/propose/", _proposal_form(otradny, Domain.objects.get(code="housing"), **change)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Practice.objects.count() == before


def test_rejection_needs_an_explanation_for_the_author(library):
    practice = library.first()
    practice.status = PracticeStatus.PROPOSED
    practice.save()

    from civicplan.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="почему практика отклонена"):
        practice_reject(practice=practice, moderator=None, note="  ")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PROPOSED


def test_municipality_outside_the_region_is_refused(library):
    from civicplan.core.errors import InvalidInput

    otradny = Municipality.objects.get(oktmo=OTRADNY)
    other_region = type(otradny.region).objects.create(code=99, name="Проверочная область")

    with pytest.raises(InvalidInput, match="не относится к региону"):
        practice_create(
            title="Практика",
            problem="Проблема",
            actions="Действия",
            results="",
            region=other_region,
            municipality=otradny,
            year_start=2022,
            year_end=None,
            domains=[Domain.objects.first()],
            figures=[Figure(name="Показатель", after=1)],
        )


def test_recommendations_for_otradny_come_from_peers_or_stronger_towns_with_reasons(library):
    otradny = Municipality.objects.get(oktmo=OTRADNY)

    result = practice_recommendations(municipality=otradny)

    assert result.items, result.note
    assert result.needs  # what the index says the town needs
    for rec in result.items:
        assert rec.practice.municipality != otradny  # never its own practice
        assert rec.relation in {"peer", "stronger"}
        assert any("город-аналог" in r or "индекс потенциала выше" in r for r in rec.reasons)
        assert len(rec.reasons) >= 2


def test_recommendations_follow_what_residents_write_about(library, demo_campaign):
    from civicplan.proposals.models import Proposal, ProposalStatus

    otradny = Municipality.objects.get(oktmo=OTRADNY)
    texts = [
        "Навести порядок со стихийной торговлей у рынка: продают с земли и с машин, мусор.",
        "Сделать нормальную ярмарку для фермеров вместо торговли у автостанции.",
        "Уличные продавцы торгуют без разрешения, нужна площадка для торговли с навесами.",
        "Фермерам негде продавать продукцию, торгуют на обочине — нужна ярмарочная площадка.",
    ]
    for text in texts:
        Proposal.objects.create(
            campaign=demo_campaign,
            municipality=otradny,
            text=text,
            status=ProposalStatus.PUBLISHED,
            tracking_code=f"TEST-{next(_codes)}",
            created_at=timezone.now(),
        )

    result = practice_recommendations(municipality=otradny, limit=10)

    assert result.proposals_compared == 4
    trade = next(
        (r for r in result.items if r.practice.title.startswith("Легализация уличной торговли")),
        None,
    )
    assert trade is not None, [r.practice.title for r in result.items]
    assert any("предложени" in reason and "жителей" in reason for reason in trade.reasons)
    assert "Малый бизнес и торговля" in [d.name for d, _n in result.topics]


def test_recommendations_api(client, library):
    data = client.get(f"/api/v1/practices/recommendations/{OTRADNY}/").json()

    assert data["municipality"] == "городской округ Отрадный"
    assert data["items"] and data["items"][0]["reasons"]
    assert client.get("/api/v1/practices/recommendations/00000000000/").status_code == 404


def test_practices_api_searches_and_hides_unpublished(client, library):
    proposed = library.get(title__startswith="Детский сад у дома")
    proposed.status = PracticeStatus.PROPOSED
    proposed.save()

    found = client.get("/api/v1/practices/", {"q": "торговл"}).json()["items"]

    assert {p["title"] for p in found} == {
        "Легализация уличной торговли: ярмарочные площадки вместо стихийных рынков",
        "Рыночная площадь по выходным: местные производители в центре города",
    }
    assert all(p["is_example"] and p["figures"] for p in found)
    assert client.get(f"/api/v1/practices/{proposed.pk}/").status_code == 404
    assert client.get(f"/practices/{proposed.pk}/").status_code == 404


def test_profile_page_lists_recommended_practices(client, library):
    html = client.get(f"/territories/municipalities/{OTRADNY}/potential/").content.decode()

    assert "Рекомендуемые практики" in html
    assert "Почему рекомендуем" in html
    assert "Пример для демонстрации" in html


@pytest.mark.parametrize("term", ["ярмарка", "ярмарки", "ярмарку", "Ярмарках"])
def test_search_finds_every_form_of_a_word(client, library, term):
    # given the Samara library, where «Рыночная площадь по выходным» speaks of «ярмарку»
    # and «ярмарка» (before, «ярмарки» found nothing and «ярмарка» found it)
    # when a resident searches in any form of the word
    html = client.get("/practices/", {"q": term}).content.decode()

    # then it is found, and only what mentions fairs
    assert "Рыночная площадь по выходным" in html
    assert "Легализация уличной торговли" not in html


def test_search_needs_every_word_and_ignores_stop_words(library):
    from civicplan.practices.selectors import practice_list

    both = set(practice_list(search="ярмарки и торговля").values_list("title", flat=True))
    fairs = set(practice_list(search="ярмарки").values_list("title", flat=True))

    assert both and both <= fairs
    assert not practice_list(search="ярмарки космодром").exists()
