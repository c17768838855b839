"""News, articles and polls from the anonymous page cache: every write shows at once, and
nothing of one visitor (CSRF token, consent, poll state, own rating) reaches another."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.publications import services
from civicplan.publications.models import Article, Poll
from civicplan.publications.tests.conftest import BROWSER_UA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache", "policies")]

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_readers = itertools.count(1)


def reader(**cookies: str) -> Client:
    """Another person: own address, own cookies."""
    n = next(_readers)
    client = Client(
        HTTP_USER_AGENT=BROWSER_UA,
        REMOTE_ADDR=f"10.9.{n // 250}.{n % 250}",
        enforce_csrf_checks=True,
    )
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def page(client: Client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def test_a_second_anonymous_reader_gets_the_page_from_the_cache(article: Article) -> None:
    html_a, first = page(reader(), article.get_absolute_url())
    html_b, second = page(reader(), article.get_absolute_url())

    assert (first, second) == ("miss", "hit")
    assert article.title in html_b


def test_csrf_tokens_are_each_readers_own_and_work(article: Article) -> None:
    anna, boris = reader(), reader()
    page(anna, article.get_absolute_url())

    html, source = page(boris, article.get_absolute_url())

    assert source == "hit"
    tokens = set(TOKEN_RE.findall(html))
    assert tokens, "the comment and rating forms carry a token"
    assert "cpcsrf" not in html
    secret_b = boris.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(t) == secret_b for t in tokens)
    assert secret_b != anna.cookies["csrftoken"].value
    # the cached form posts with Boris' own token
    response = boris.post(
        f"{article.get_absolute_url()}rate/",
        {"value": "5", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302


def test_consent_banner_follows_each_readers_answer(article: Article) -> None:
    url = article.get_absolute_url()
    undecided, _ = page(reader(), url)
    decided, _ = page(reader(cp_consent="refused"), url)
    undecided_again, source = page(reader(), url)

    assert 'id="consent-banner"' in undecided
    assert 'id="consent-banner"' not in decided
    assert 'id="consent-banner"' in undecided_again
    assert source == "hit"


def test_a_voters_poll_results_are_not_shown_to_the_next_reader(poll: Poll) -> None:
    anna, boris = reader(), reader()
    option = poll.options.first()
    anna.get("/news/polls/")  # a CSRF cookie
    token = anna.cookies["csrftoken"].value
    anna.post(
        f"/news/polls/{poll.pk}/vote/",
        {"option": str(option.pk)},
        HTTP_X_CSRFTOKEN=token,
    )

    voted, _ = page(anna, "/news/polls/")
    fresh, _ = page(boris, "/news/polls/")

    assert "Спасибо, ваш голос учтён." in voted
    assert "Спасибо, ваш голос учтён." not in fresh
    assert "Проголосовать" in fresh


def test_a_forged_poll_cookie_does_not_show_results(poll: Poll) -> None:
    page(reader(), "/news/polls/")

    html, _ = page(reader(**{f"cp_poll_{poll.pk}": "forged"}), "/news/polls/")

    assert "Проголосовать" in html


def test_own_rating_comes_in_a_fragment_not_in_the_shared_page(article: Article) -> None:
    anna = reader()
    page(anna, article.get_absolute_url())
    token = anna.cookies["csrftoken"].value
    anna.post(f"{article.get_absolute_url()}rate/", {"value": "4"}, HTTP_X_CSRFTOKEN=token)

    boris_page, _ = page(reader(), article.get_absolute_url())
    anna_fragment = anna.get(f"{article.get_absolute_url()}rating/").content.decode()
    boris_fragment = reader().get(f"{article.get_absolute_url()}rating/").content.decode()

    assert "Ваша оценка: 4 из 5" not in boris_page
    assert 'hx-get="' + f"{article.get_absolute_url()}rating/" in boris_page
    assert "Ваша оценка: 4 из 5" in anna_fragment
    assert "Ваша оценка" not in boris_fragment.replace("Ваша оценка от 1 до 5", "")


def test_views_are_counted_for_readers_served_from_the_cache(article: Article) -> None:
    for n in range(3):
        Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=f"10.1.0.{n}").get(
            article.get_absolute_url()
        )

    article.refresh_from_db()
    assert article.views_count == 3


def test_staff_never_get_a_cached_page_and_see_their_controls(poll: Poll) -> None:
    page(reader(), "/news/polls/")
    editor = User.objects.create_user("editor@example.ru", "пароль-редактора-1", is_staff=True)
    staff = Client(HTTP_USER_AGENT=BROWSER_UA)
    staff.force_login(editor)
    anna, boris = reader(), reader()
    anna.get("/news/polls/")
    anna.post(
        f"/news/polls/{poll.pk}/vote/",
        {"option": str(poll.options.first().pk)},
        HTTP_X_CSRFTOKEN=anna.cookies["csrftoken"].value,
    )

    response = staff.get("/news/polls/")

    assert "X-Page-Cache" not in response
    assert "Выгрузить результаты в XLSX" in response.content.decode()
    assert "Выгрузить результаты в XLSX" not in page(boris, "/news/polls/")[0]


def test_a_reader_with_a_pending_message_gets_a_fresh_page(article: Article) -> None:
    page(reader(), article.get_absolute_url())
    anna = reader()
    page(anna, article.get_absolute_url())
    anna.post(
        f"{article.get_absolute_url()}rate/",
        {"value": "5"},
        HTTP_X_CSRFTOKEN=anna.cookies["csrftoken"].value,
    )

    html, source = page(anna, article.get_absolute_url())

    assert source == ""
    assert "Спасибо за оценку!" in html


# Each write shows on the cached pages at once --------------------------------------------


def test_new_article_appears_on_the_news_list_and_home(
    make_article: Callable[..., Article], article: Article, demo_campaign: object
) -> None:
    before_list, _ = page(reader(), "/news/")
    page(reader(), "/news/")
    before_home, _ = page(reader(), "/")

    make_article(title="Открыт приём предложений в Отрадном")

    after_list, source = page(reader(), "/news/")
    assert "Открыт приём предложений в Отрадном" not in before_list
    assert "Открыт приём предложений в Отрадном" in after_list
    assert source == "miss"
    home, _ = page(reader(), "/")
    assert article.title in before_home
    assert "Открыт приём предложений в Отрадном" in home


def test_edited_article_shows_the_new_title(article: Article) -> None:
    page(reader(), article.get_absolute_url())

    services.article_update(article=article, title="Сессия в Самаре: итоги")

    html, _ = page(reader(), article.get_absolute_url())
    assert "Сессия в Самаре: итоги" in html


def test_rating_changes_the_average_on_the_cached_article(article: Article) -> None:
    before, _ = page(reader(), article.get_absolute_url())

    services.article_rate(article=article, visitor_key="reader-1", value=5)

    after, _ = page(reader(), article.get_absolute_url())
    assert "Оценок пока нет." in before
    assert "Средняя оценка 5 из 5 · 1\u00a0оценка" in after


def test_published_comment_appears_on_the_cached_article(article: Article) -> None:
    moderator = User.objects.create_user("mod@example.ru", "пароль-модератора-1", is_staff=True)
    comment = services.comment_submit(
        article=article,
        author_name="Ольга",
        text="Хорошо бы провести такую же сессию в Похвистнево.",
        user=None,
        ip="10.2.0.1",
        user_agent=BROWSER_UA,
        consent_given=True,
    )
    before, _ = page(reader(), article.get_absolute_url())

    services.comment_moderate(comment=comment, moderator=moderator, publish=True)

    after, _ = page(reader(), article.get_absolute_url())
    assert "такую же сессию в Похвистнево" not in before
    assert "такую же сессию в Похвистнево" in after


def test_a_vote_changes_the_results_a_voter_sees(poll: Poll) -> None:
    anna = reader()
    anna.get("/news/polls/")
    anna.post(
        f"/news/polls/{poll.pk}/vote/",
        {"option": str(poll.options.first().pk)},
        HTTP_X_CSRFTOKEN=anna.cookies["csrftoken"].value,
    )
    before, _ = page(anna, poll.get_absolute_url())

    services.poll_vote(
        poll=poll,
        option_ids=[str(poll.options.last().pk)],
        other_text="",
        user=None,
        voter_token=services.new_voter_token(),
        ip_key="another-address",
        resident_confirmed=False,
    )

    after, _ = page(anna, poll.get_absolute_url())
    assert "Проголосовали: 1\u00a0человек" in before
    assert "Проголосовали: 2\u00a0человека" in after


# Scheduled publications show at their time, not when the cached page expires -------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.timedelta], None]:
    """Time travel: move `timezone.now()` forward (no sleeping)."""
    start = timezone.now()

    def travel(delta: datetime.timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + delta)

    return travel


def test_an_article_scheduled_for_later_appears_right_at_its_time(
    make_article: Callable[..., Article],
    article: Article,
    clock: Callable[[datetime.timedelta], None],
) -> None:
    make_article(
        title="Итоги голосования за проекты благоустройства",
        publish_at=timezone.now() + datetime.timedelta(seconds=30),
    )
    before, _ = page(reader(), "/news/")
    clock(datetime.timedelta(seconds=20))
    still_before, source_before = page(reader(), "/news/")

    clock(datetime.timedelta(seconds=31))
    after, source_after = page(reader(), "/news/")

    assert "Итоги голосования за проекты благоустройства" not in before
    assert source_before == "hit"
    assert "Итоги голосования за проекты благоустройства" not in still_before
    assert "Итоги голосования за проекты благоустройства" in after
    assert source_after == "miss"


def test_a_poll_opens_and_closes_on_the_home_page_at_its_times(
    make_poll: Callable[..., Poll],
    demo_campaign: object,
    policies: None,
    clock: Callable[[datetime.timedelta], None],
) -> None:
    now = timezone.now()
    make_poll(
        question="Где в Отрадном нужен новый сквер?",
        opens_at=now + datetime.timedelta(seconds=10),
        closes_at=now + datetime.timedelta(seconds=70),
    )
    before, _ = page(reader(), "/")

    clock(datetime.timedelta(seconds=11))
    open_, _ = page(reader(), "/")
    page(reader(), "/")
    clock(datetime.timedelta(seconds=71))
    closed, _ = page(reader(), "/")

    assert "Где в Отрадном нужен новый сквер?" not in before
    assert "Где в Отрадном нужен новый сквер?" in open_
    assert "Где в Отрадном нужен новый сквер?" not in closed


# After a write: one render, in the background; others meanwhile get the previous version ---


def test_after_a_write_the_background_render_serves_the_next_reader(
    make_article: Callable[..., Article], article: Article, demo_campaign: object
) -> None:
    from civicplan.core.warmup import _site_host, current_state, rewarm_once

    host, secure = _site_host()  # the address visitors use, as the server renders it

    def visit() -> tuple[str, str]:
        response = reader().get("/news/", HTTP_HOST=host, secure=secure)
        assert response.status_code == 200
        return response.content.decode(), response.get("X-Page-Cache", "")

    visit()
    make_article(title="Итоги сессии в Кинеле")

    rendered = rewarm_once(current_state())
    html, source = visit()

    assert rendered is not None and ("/news/", 200) in [(p, s) for p, s, _t in rendered]
    assert source == "hit"
    assert "Итоги сессии в Кинеле" in html
    assert rewarm_once(current_state()) is None, "one process re-renders each change"


def test_while_a_page_is_rendered_anew_other_readers_get_the_previous_version(
    make_article: Callable[..., Article], article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    from civicplan.core import pagecache

    page(reader(), "/news/")
    make_article(title="Итоги сессии в Кинеле")
    monkeypatch.setattr(pagecache, "_lock", lambda key: False)  # another request renders it

    meanwhile, source = page(reader(), "/news/")
    monkeypatch.undo()
    after, source_after = page(reader(), "/news/")

    assert source == "stale"
    assert "Итоги сессии в Кинеле" not in meanwhile
    assert article.title in meanwhile
    assert (source_after, "Итоги сессии в Кинеле" in after) == ("miss", True)
