"""An article and the polls for signed-in readers: what everyone sees the same (the text, the
comments, the related news, the poll results) is rendered once and kept, yet each comment,
rating and vote shows at once, and a reader's own rating, vote, name and CSRF token never
reach another reader."""

from __future__ import annotations

import pytest
from django.middleware.csrf import _unmask_cipher_token

from civicplan.accounts.models import User
from civicplan.accounts.testing import CSRF_TOKEN_RE, person, signed_in, signed_in_page
from civicplan.core.pagecache import csrf_placeholder
from civicplan.publications import services
from civicplan.publications.models import Article, Poll

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache", "policies")]

VOTED = "Спасибо, ваш голос учтён."


def vote(user: User, poll: Poll, option_text: str) -> None:
    option = poll.options.get(text=option_text)
    services.poll_vote(poll=poll, option_ids=[option.pk], user=user)


@pytest.fixture
def article_with_poll(article: Article, poll: Poll) -> Article:
    return services.article_update(article=article, poll=poll)


def test_signed_in_article_shows_each_write_at_once(article_with_poll: Article) -> None:
    article, poll = article_with_poll, article_with_poll.poll
    assert poll is not None
    url = article.get_absolute_url()
    zarema_user, vsevolod = (
        person("zarema@example.ru", "Зарема"),
        person("seva@example.ru", "Всеволод"),
    )
    zarema = signed_in(zarema_user)
    assert "Комментариев пока нет" in signed_in_page(zarema, url)

    comment = services.comment_submit(
        article=article, author_name="", text="Хорошо бы повторить сессию в Сызрани.", user=vsevolod
    )
    services.comment_moderate(comment=comment, moderator=None, publish=True)
    html = signed_in_page(zarema, url)
    assert "Хорошо бы повторить сессию в Сызрани." in html
    assert "Оставить комментарий (1)" in html

    signed_in(vsevolod).get(url)  # a CSRF cookie
    seva = signed_in(vsevolod)
    seva.get(url)
    seva.post(f"{url}rate/", {"value": "4"}, HTTP_X_CSRFTOKEN=seva.cookies["csrftoken"].value)
    rated = signed_in_page(zarema, url)
    assert "<span>оценка 4 из 5</span>" in rated, "the article's heading shows the new average"
    assert "Средняя оценка 4 из 5 · 1\u00a0оценка" in rated

    vote(zarema_user, poll, "Благоустроить дворы")
    before = signed_in_page(zarema, url)
    assert VOTED in before
    vote(vsevolod, poll, "Благоустроить дворы")
    after = signed_in_page(zarema, url)
    row = '<td>Благоустроить дворы</td><td class="num">{}</td>'
    assert row.format(1) in before
    assert row.format(2) in after, "the results follow each vote"
    assert row.format(2) in signed_in_page(zarema, "/news/polls/")

    services.article_update(article=article, title="Сессия в Самаре: итоги и следующие шаги")
    assert "Сессия в Самаре: итоги и следующие шаги" in signed_in_page(zarema, url)


def test_two_readers_never_see_each_others_rating_vote_name_or_token(
    article_with_poll: Article,
) -> None:
    article, poll = article_with_poll, article_with_poll.poll
    assert poll is not None
    url = article.get_absolute_url()
    zarema_user, seva_user = (
        person("zarema@example.ru", "Зарема"),
        person("seva@example.ru", "Всеволод"),
    )
    zarema, seva = signed_in(zarema_user), signed_in(seva_user)
    comment = services.comment_submit(
        article=article, author_name="", text="Жду продолжения в Похвистнево.", user=seva_user
    )
    services.comment_moderate(comment=comment, moderator=None, publish=True)
    signed_in_page(zarema, url)  # a CSRF cookie

    zarema.post(f"{url}rate/", {"value": "5"}, HTTP_X_CSRFTOKEN=zarema.cookies["csrftoken"].value)
    vote(zarema_user, poll, "Создать рабочие места")
    html_s = signed_in_page(seva, url)  # Vsevolod's visit fills what is shared
    html_z = signed_in_page(zarema, url)

    header = 'href="/accounts/profile/">{}</a>'
    assert header.format("Зарема") in html_z and "Зарема" not in html_s
    assert header.format("Всеволод") in html_s and header.format("Всеволод") not in html_z
    assert "Ваша оценка: 5 из 5" in html_z
    assert "Ваша оценка: 5" not in html_s
    assert "1\u00a0оценка" in html_s, "the count is shared, the own rating is not"
    assert VOTED in html_z
    assert VOTED not in html_s and "Проголосовать" in html_s
    assert csrf_placeholder() not in html_z + html_s
    tokens_z, tokens_s = set(CSRF_TOKEN_RE.findall(html_z)), set(CSRF_TOKEN_RE.findall(html_s))
    secret_z, secret_s = zarema.cookies["csrftoken"].value, seva.cookies["csrftoken"].value
    assert secret_z != secret_s
    assert tokens_s and all(_unmask_cipher_token(t) == secret_s for t in tokens_s)
    assert tokens_z and all(_unmask_cipher_token(t) == secret_z for t in tokens_z)
    rate = f"{url}rate/"
    assert seva.post(rate, {"value": "3", "csrfmiddlewaretoken": tokens_z.pop()}).status_code == 403
    assert seva.post(rate, {"value": "3", "csrfmiddlewaretoken": tokens_s.pop()}).status_code == 302


def test_staff_sees_poll_results_and_the_staff_menu_where_a_reader_sees_the_form(
    article_with_poll: Article,
) -> None:
    url = article_with_poll.get_absolute_url()
    reader_html = signed_in_page(signed_in(person("zarema@example.ru", "Зарема")), url)

    staff_html = signed_in_page(signed_in(person("editor@example.ru", "Редактор", staff=True)), url)

    assert "Проголосовать" in reader_html
    assert "Результаты опроса" in staff_html
    assert 'aria-label="Рабочие разделы"' not in reader_html
    assert 'href="/admin/"' not in reader_html


def test_home_poll_follows_each_readers_vote_and_token(demo_campaign: object, poll: Poll) -> None:
    from civicplan.publications.home import _home_poll_pk

    poll = Poll.objects.get(pk=int(_home_poll_pk(demo_campaign)))
    option = poll.options.order_by("order", "pk").first()
    assert option is not None
    zarema_user, seva_user = (
        person("zarema@example.ru", "Зарема"),
        person("seva@example.ru", "Всеволод"),
    )
    zarema, seva = signed_in(zarema_user), signed_in(seva_user)
    signed_in_page(seva, "/")  # Vsevolod's visit fills what is shared
    services.poll_vote(poll=poll, option_ids=[option.pk], user=zarema_user)
    votes = poll.options.get(pk=option.pk).votes_count

    html_s = signed_in_page(seva, "/")  # the voter's block is rendered after this one
    html_z = signed_in_page(zarema, "/")

    row = f'<td>{option.text}</td><td class="num">{{}}</td>'
    assert VOTED in html_z and row.format(votes) in html_z
    assert VOTED not in html_s and "Проголосовать" in html_s
    tokens_s = set(CSRF_TOKEN_RE.findall(html_s))
    secret_s = seva.cookies["csrftoken"].value
    assert csrf_placeholder() not in html_s + html_z
    assert tokens_s and all(_unmask_cipher_token(t) == secret_s for t in tokens_s)
    response = seva.post(
        f"/news/polls/{poll.pk}/vote/",
        {"option": str(option.pk), "next": "/", "csrfmiddlewaretoken": tokens_s.pop()},
    )
    assert response.status_code == 302
    assert row.format(votes + 1) in signed_in_page(zarema, "/"), (
        "Zarema's results follow the new vote"
    )
    assert VOTED in signed_in_page(seva, "/")
