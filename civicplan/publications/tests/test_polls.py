"""Quick polls: one vote per visitor, results after voting, bad votes refused, export."""

from __future__ import annotations

import datetime
import io
import re
import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.publications import services
from civicplan.publications.models import PollKind, PollVote, VoteMethod
from civicplan.publications.tests.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db


def vote(client: Client, poll, *option_ids, **extra):
    data = {"option": [str(o) for o in option_ids], **extra.pop("data", {})}
    extra.setdefault("HTTP_USER_AGENT", BROWSER_UA)
    return client.post(f"/news/polls/{poll.pk}/vote/", data, **extra)


def test_visitor_votes_and_sees_results_with_chart_and_count(client, poll, policies):
    first = poll.options.first()

    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Проголосовать" in page
    assert "chart-bar" not in page

    response = vote(client, poll, first.pk, follow=True)

    html = response.content.decode()
    assert "Спасибо, ваш голос учтён." in html
    assert "chart-bar" in html
    assert "Проголосовали: 1\u00a0человек" in html
    assert "подписанная cookie" in html
    assert "Проголосовать" not in html
    first.refresh_from_db()
    assert first.votes_count == 1
    assert f"cp_poll_{poll.pk}" in client.cookies


def test_second_vote_from_the_same_browser_is_refused(client, poll, policies):
    option = poll.options.first()
    vote(client, poll, option.pk)

    response = vote(client, poll, option.pk)

    assert response.status_code == 409
    assert "Вы уже проголосовали" in response.content.decode()
    assert PollVote.objects.count() == 1


def test_registered_resident_votes_once_by_account(client, poll, policies):
    from civicplan.accounts.models import User

    user = User.objects.create_user("resident@example.ru", "пароль-жителя-1")
    client.force_login(user)
    option = poll.options.first()
    vote(client, poll, option.pk)
    client.cookies.clear()
    client.force_login(user)

    response = vote(client, poll, option.pk)

    assert response.status_code == 409
    stored = PollVote.objects.get()
    assert stored.method == VoteMethod.ACCOUNT
    assert stored.user == user


def test_vote_for_an_option_of_another_poll_is_refused(client, make_poll, policies):
    poll = make_poll()
    other = make_poll(question="Другой опрос", options=["Да", "Нет"])

    response = vote(client, poll, other.options.first().pk)

    assert response.status_code == 422
    assert "Такого варианта ответа нет в этом опросе" in response.content.decode()
    assert not PollVote.objects.exists()
    assert other.options.first().votes_count == 0


def test_vote_after_the_poll_closed_is_refused(client, make_poll, policies):
    now = timezone.now()
    poll = make_poll(
        opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(days=1)
    )

    response = vote(client, poll, poll.options.first().pk)

    assert response.status_code == 403
    assert "Опрос закрыт" in response.content.decode()
    assert not PollVote.objects.exists()


def test_vote_before_the_poll_opens_is_refused(make_poll):
    now = timezone.now()
    poll = make_poll(
        opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=5)
    )
    with pytest.raises(Forbidden):
        services.poll_vote(poll=poll, option_ids=[poll.options.first().pk], voter_token="t")


def test_a_browser_that_deletes_its_cookie_still_votes_once(poll, policies):
    # Given a visitor who voted and then deleted his cookies (a fresh client each time)
    option = poll.options.first()
    assert vote(Client(), poll, option.pk, REMOTE_ADDR="192.0.2.7").status_code == 302
    # When he votes again from the same browser and address, five times
    again = [vote(Client(), poll, option.pk, REMOTE_ADDR="192.0.2.7") for _ in range(5)]
    # Then none counts, and he is told why
    assert {r.status_code for r in again} == {429}
    assert "С этого устройства в этом опросе уже проголосовали" in again[0].content.decode()
    assert PollVote.objects.count() == 1
    # While another phone on the same Wi-Fi votes
    other_phone = vote(
        Client(), poll, option.pk, REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT=BROWSER_UA + " Android"
    )
    assert other_phone.status_code == 302 and PollVote.objects.count() == 2


def test_ten_votes_in_a_second_from_one_address_are_limited(poll, policies, monkeypatch):
    # The limit counts in fixed one-minute windows: hold the clock in the middle of one, so
    # that a slow machine cannot spread the ten votes over two windows.
    from civicplan.core import ratelimit

    middle_of_a_minute = (int(time.time()) // 60) * 60 + 30.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: middle_of_a_minute))
    option = poll.options.first()
    statuses = []
    for n in range(10):
        fresh_browser = Client()  # ten different phones behind one address
        statuses.append(
            vote(
                fresh_browser,
                poll,
                option.pk,
                REMOTE_ADDR="192.0.2.7",
                HTTP_USER_AGENT=f"{BROWSER_UA} phone-{n}",
            ).status_code
        )

    assert statuses.count(302) == 5
    assert statuses.count(429) == 5
    assert PollVote.objects.count() == 5
    limited = vote(
        Client(), poll, option.pk, REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT=f"{BROWSER_UA} 11"
    )
    assert "слишком много голосов" in limited.content.decode()
    # another address is not affected
    assert vote(Client(), poll, option.pk, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_single_choice_poll_refuses_two_options(poll):
    a, b = list(poll.options.all())[:2]
    with pytest.raises(InvalidInput, match="только один вариант"):
        services.poll_vote(poll=poll, option_ids=[a.pk, b.pk], voter_token="t")
    with pytest.raises(InvalidInput, match="Выберите вариант"):
        services.poll_vote(poll=poll, option_ids=[], voter_token="t")
    with pytest.raises(InvalidInput):
        services.poll_vote(poll=poll, option_ids=["1; DROP TABLE"], voter_token="t")
    assert not PollVote.objects.exists()


def test_multiple_choice_and_own_answer_are_counted(make_poll):
    poll = make_poll(kind=PollKind.MULTIPLE, allow_other=True)
    a, b, _c = list(poll.options.all())

    services.poll_vote(
        poll=poll, option_ids=[a.pk, b.pk], other_text="Открыть бассейн", voter_token="t1"
    )
    services.poll_vote(poll=poll, option_ids=[], other_text="Построить школу", voter_token="t2")

    from civicplan.publications.selectors import poll_other_answers, poll_results

    rows = {r.label: r.votes for r in poll_results(poll)}
    assert rows["Отремонтировать дороги"] == 1
    assert rows["Благоустроить дворы"] == 1
    assert rows["Свой вариант"] == 2
    assert poll.votes_count == 2
    assert set(poll_other_answers(poll)) == {"Открыть бассейн", "Построить школу"}


def test_own_answer_is_refused_where_not_allowed(poll):
    with pytest.raises(InvalidInput, match="нельзя предложить свой вариант"):
        services.poll_vote(poll=poll, option_ids=[], other_text="Своё", voter_token="t")


def test_municipal_poll_asks_to_confirm_residence(samara, make_poll):
    from civicplan.territories.models import Municipality

    otradny = Municipality.objects.get(oktmo="36724000000")
    poll = make_poll(municipality=otradny)
    option = poll.options.first()
    with pytest.raises(InvalidInput, match="Отрадный"):
        services.poll_vote(poll=poll, option_ids=[option.pk], voter_token="t")

    services.poll_vote(poll=poll, option_ids=[option.pk], voter_token="t", resident_confirmed=True)
    assert poll.votes_count == 1


def test_poll_with_bad_dates_or_one_option_is_refused(make_poll):
    now = timezone.now()
    with pytest.raises(InvalidInput, match="закрываться позже"):
        make_poll(opens_at=now, closes_at=now - datetime.timedelta(hours=1))
    with pytest.raises(InvalidInput, match="не меньше двух"):
        make_poll(options=["Да"])


def test_all_polls_lists_current_and_past(client, make_poll, policies):
    now = timezone.now()
    make_poll(question="Открытый вопрос о дорогах")
    make_poll(
        question="Завершённый вопрос о парках",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=3),
    )

    html = client.get("/news/polls/").content.decode()

    assert "Все опросы" in html
    assert html.index("Открытый вопрос о дорогах") < html.index("Завершённые")
    assert html.index("Завершённый вопрос о парках") > html.index("Завершённые")


def test_results_export_to_xlsx_for_staff_only(client, make_poll, policies):
    from openpyxl import load_workbook

    from civicplan.accounts.models import User

    poll = make_poll(allow_other=True)
    option = poll.options.first()
    services.poll_vote(poll=poll, option_ids=[option.pk], voter_token="a")
    services.poll_vote(poll=poll, option_ids=[], other_text="Свой ответ", voter_token="b")
    url = f"/news/polls/{poll.pk}/export.xlsx"

    assert client.get(url).status_code == 302  # to the login page

    client.force_login(
        User.objects.create_user("staff@example.ru", "пароль-сотрудника", is_staff=True)
    )
    assert client.get(url).status_code == 404  # staff, but the poll is of no territory of his

    client.force_login(User.objects.create_superuser("root@example.ru", "пароль-администратора"))
    response = client.get(url)

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = [r[:3] for r in book["Результаты"].iter_rows(values_only=True)]
    assert rows[0][0] == poll.question
    assert ("Проголосовали", 2, None) in rows
    assert ("Отремонтировать дороги", 1, 50.0) in rows
    assert ("Свой вариант", 1, 50.0) in rows
    assert [r[0] for r in book["Свои варианты"].iter_rows(values_only=True)] == [
        "Свой вариант",
        "Свой ответ",
    ]


def test_htmx_vote_returns_the_poll_with_results(client, poll, policies):
    response = client.post(
        f"/news/polls/{poll.pk}/vote/",
        {"option": [poll.options.first().pk]},
        HTTP_HX_REQUEST="true",
        HTTP_USER_AGENT=BROWSER_UA,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "chart-bar" in html and "Проголосовали: 1\u00a0человек" in html


def test_home_page_shows_poll_and_top_read(client, demo_campaign, make_article, poll):
    article = make_article(campaign=demo_campaign)
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)

    html = client.get("/").content.decode()

    assert "Топ 5 читаемых" in html
    assert article.title in html
    assert poll.question in html
    assert "Все опросы" in html


def test_closed_poll_shows_results_to_everyone_with_russian_plurals(client, make_poll, policies):
    from civicplan.publications.models import Poll

    poll = make_poll(kind=PollKind.MULTIPLE)
    a, b, _c = list(poll.options.all())
    services.poll_vote(poll=poll, option_ids=[a.pk, b.pk], voter_token="t1")
    services.poll_vote(poll=poll, option_ids=[a.pk], voter_token="t2")
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    html = client.get(poll.get_absolute_url()).content.decode()

    assert "Проголосовали: 2\u00a0человека" in html
    assert "сумма долей больше 100" in html
    assert "Проголосовать" not in html
    # the chart's row names the option and its count, readable as text
    assert re.search(r'bar-name">Отремонтировать дороги</span>.*?bar-amount">2 \(', html)
