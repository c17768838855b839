"""The shared layout: each staff role finds its work in the header, error pages speak
Russian in the site's layout with a way back, the tracking page keeps its CSRF origin."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from civicplan.accounts.models import User


@pytest.fixture
def staff(demo_campaign: object) -> dict[str, User]:
    return {u.email.split("@")[0]: u for u in User.objects.all()}


def _work_menu(client: Client, user: User) -> str:
    client.force_login(user)
    html = client.get("/").content.decode()
    if 'class="work-nav"' not in html:
        return ""
    return html[
        html.index('class="work-nav"') : html.index("</nav>", html.index('class="work-nav"'))
    ]


def test_each_staff_role_finds_its_entry_points_in_the_header(client, staff):
    # Given the demo staff, when each opens the home page, then the header leads to his work.
    otradny = _work_menu(client, staff["moderator.otradny"])
    assert "Очередь модерации" in otradny and "/proposals/moderation/" in otradny
    # A municipal moderator has no admin permissions: no link to a page that refuses him.
    assert "Администрирование" not in otradny
    assert "Аналитика" in _work_menu(client, staff["analyst"])
    assert "Работа со стратегией" in _work_menu(client, staff["strategy"])
    assert "Проведение сессий" in _work_menu(client, staff["facilitator"])
    admin = _work_menu(client, staff["admin"])
    assert "Администрирование" in admin and "Очередь модерации" in admin
    assert _work_menu(client, staff["resident"]) == ""


def test_the_admin_link_follows_a_staff_member_s_permissions_at_once(client, staff):
    # A regional moderator holds no admin permission: no link to a page that shows him nothing.
    from django.contrib.auth.models import Group, Permission

    moderator = staff["moderator.samara"]
    assert "Администрирование" not in _work_menu(client, moderator)
    # Given a group that may change news, the next page leads him to the admin.
    editors = Group.objects.create(name="Редакторы новостей")
    editors.permissions.add(Permission.objects.get(codename="change_article"))
    moderator.groups.add(editors)
    assert "Администрирование" in _work_menu(client, moderator)
    # Out of the group, with the permission given to him directly, the link stays.
    moderator.groups.remove(editors)
    moderator.user_permissions.add(Permission.objects.get(codename="view_article"))
    assert "Администрирование" in _work_menu(client, moderator)
    # Without any permission it is gone on the next page.
    moderator.user_permissions.clear()
    assert "Администрирование" not in _work_menu(client, moderator)


def test_unknown_page_is_a_russian_404_in_the_site_layout(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in html and "Not Found" not in html
    assert 'class="site-header"' in html and 'href="/"' in html


def test_csrf_failure_is_a_russian_page_with_a_way_back(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/proposals/track/abc/withdraw/", {"confirm": "yes"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Форма устарела" in html and "DEBUG" not in html
    assert 'class="site-header"' in html and "На главную" in html


def test_500_page_renders_without_the_database(django_db_blocker):
    # Given no database access at all, the 500 page still renders (Django passes no request).
    with django_db_blocker.block():
        html = render_to_string("500.html")
    assert "На сервере произошла ошибка" in html and "На главную" in html


def test_tracking_page_keeps_the_origin_for_its_withdrawal_form(client, demo_campaign):
    from civicplan.proposals.models import Proposal
    from civicplan.proposals.services import AuthorData, proposal_submit

    proposal = proposal_submit(
        campaign=demo_campaign,
        text="Нужна остановка автобуса у школы № 3 в Отрадном, дети ходят по обочине.",
        municipality="городской округ Отрадный",
        author=AuthorData(name="Мария Иванова", email="maria@example.ru"),
        consent_given=True,
    )
    assert isinstance(proposal, Proposal)
    response = client.get(f"/proposals/track/{proposal.tracking_code}/")
    # `no-referrer` made Chromium send `Origin: null` and the withdrawal failed CSRF.
    assert response["Referrer-Policy"] == "same-origin"


def test_time_zones_are_named_the_russian_way():
    from civicplan.core.templatetags.civic import tz_name

    assert tz_name("Europe/Samara") == "самарское время, МСК+1"
    assert tz_name("Asia/Yekaterinburg") == "екатеринбургское время, МСК+2"
    assert tz_name("Europe/Moscow") == "московское время"


def test_a_signed_in_resident_finds_his_proposals(client, demo_campaign, staff):
    from civicplan.proposals.services import AuthorData, proposal_submit

    resident = staff["resident"]
    proposal_submit(
        campaign=demo_campaign,
        text="Нужна остановка автобуса у школы № 3 в Отрадном, дети ходят по обочине.",
        municipality="городской округ Отрадный",
        author=AuthorData(name="Елена Смирнова", email=resident.email),
        consent_given=True,
        user=resident,
    )
    client.force_login(resident)
    assert "Мои предложения" in client.get("/").content.decode()
    html = client.get("/proposals/mine/").content.decode()
    assert "остановка автобуса у школы" in html and "на модерации" in html


def test_footer_policy_link_opens_the_policy_and_consent_names_the_operator(client, staff):
    html = client.get("/").content.decode()
    assert 'href="/accounts/policy/processing-policy/"' in html
    policy = client.get("/accounts/policy/processing-policy/").content.decode()
    assert "Политика в отношении обработки персональных данных" in policy
    consent = client.get("/accounts/policy/personal-data/").content.decode()
    assert "министерство экономического развития и инвестиций Самарской" in consent


def test_a_finished_job_tells_the_page_to_refresh_its_figures(client, staff):
    from civicplan.core.models import Job

    job = Job.objects.create(kind="demo.wait", title="Анализ предложений", state=Job.State.RUNNING)
    client.force_login(staff["admin"])
    running = client.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Trigger" not in running
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    done = client.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Trigger"] == "job-finished"
