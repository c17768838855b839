"""What an article's page costs a signed-in reader stays the same as its comments grow, and
the comment form (now kept with the shared parts) is still each reader's own: a resident
writes without a name or a consent box, an anonymous reader with them, a form with errors
keeps what was typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicplan.accounts.models import User
from civicplan.accounts.testing import person, signed_in, signed_in_page
from civicplan.publications import services
from civicplan.publications.models import Article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache", "policies")]

COMMENTS = [
    "Поддерживаю: в Сызрани дворы не ремонтировали с девяностых.",
    "Хорошо бы провести такую же сессию в Похвистнево.",
    "Где можно посмотреть презентацию выступавших?",
    "Спасибо за подробный рассказ, жду продолжения.",
    "А про общественный транспорт в Новокуйбышевске говорили?",
    "Предлагаю добавить велодорожки вдоль набережной.",
    "Отличная инициатива, приду на следующую встречу.",
    "Нужна отдельная встреча для жителей сёл района.",
    "Почему не пригласили представителей малого бизнеса?",
    "Запись трансляции будет выложена?",
    "Прошу учесть мнение пенсионеров по поликлиникам.",
    "Молодёжный центр в Октябрьске очень нужен.",
]


def publish_comments(article: Article, texts: list[str]) -> None:
    for text in texts:
        n = COMMENTS.index(text)
        author = person(f"reader{n}@example.ru", f"Читатель {n}")
        comment = services.comment_submit(
            article=article, author_name="", text=text, user=author, ip=f"10.0.0.{n + 1}"
        )
        services.comment_moderate(comment=comment, moderator=None, publish=True)


def queries_of(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = signed_in_page(client, url)
    return len(captured.captured_queries), html


@pytest.mark.parametrize("staff", [False, True], ids=["resident", "moderator"])
def test_article_page_queries_stay_bounded_as_comments_grow(article: Article, staff: bool) -> None:
    url = article.get_absolute_url()
    reader = signed_in(person("zarema@example.ru", "Зарема", staff=staff))
    signed_in_page(reader, url)  # her view of the day is counted on this first visit
    publish_comments(article, COMMENTS[:1])
    first_one, _ = queries_of(reader, url)  # renders the shared parts
    again_one, _ = queries_of(reader, url)

    publish_comments(article, COMMENTS[1:])
    first_many, html = queries_of(reader, url)
    again_many, html_again = queries_of(reader, url)

    for text in COMMENTS:
        assert text in html and text in html_again
    assert "Оставить комментарий (12)" in html_again
    assert first_many == first_one, "no query per comment when the shared parts are rendered"
    assert again_many == again_one, "no query per comment for each reader"
    # session, user, the article, his rating, roles, unread notifications (+ the admin link
    # for staff): the text, comments, tags and related news come from the shared parts
    assert again_many <= (7 if staff else 6), again_many


def test_comment_form_is_each_readers_own(article: Article) -> None:
    url = article.get_absolute_url()
    zarema = signed_in(person("zarema@example.ru", "Зарема"))
    publish_comments(article, COMMENTS[:2])

    resident_html = signed_in_page(zarema, url)
    anonymous_html = Client().get(url).content.decode()

    for html in (resident_html, anonymous_html):
        assert "Оставить комментарий (2)" in html
        assert f'action="{url}comment/"' in html
    assert 'name="author_name"' not in resident_html
    assert 'name="consent"' not in resident_html
    assert 'name="author_name"' in anonymous_html and 'name="consent"' in anonymous_html

    signed_in_page(zarema, url)  # a CSRF cookie
    token = zarema.cookies["csrftoken"].value
    response = zarema.post(
        f"{url}comment/", {"text": "", "csrfmiddlewaretoken": token}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Проверьте поля формы." in page
    assert "Обязательное поле." in page


def test_comment_count_in_the_form_follows_moderation(article: Article) -> None:
    url = article.get_absolute_url()
    zarema: Client = signed_in(person("zarema@example.ru", "Зарема"))
    assert "Оставить комментарий (0)" in signed_in_page(zarema, url)
    author: User = person("seva@example.ru", "Всеволод")
    comment = services.comment_submit(
        article=article,
        author_name="",
        text="Когда будет следующая сессия в Чапаевске?",
        user=author,
    )
    assert "Оставить комментарий (0)" in signed_in_page(zarema, url), "not yet moderated"
    services.comment_moderate(comment=comment, moderator=None, publish=True)
    assert "Оставить комментарий (1)" in signed_in_page(zarema, url)
