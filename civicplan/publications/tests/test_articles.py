"""News: safe HTML, reading time, views, ratings, comments, related materials, the most read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.publications import selectors, services
from civicplan.publications.models import (
    ArticleRating,
    ArticleState,
    ArticleView,
    Comment,
    CommentStatus,
)
from civicplan.publications.tests.conftest import BROWSER_UA
from civicplan.publications.visitor import CONSENT_COOKIE, VISITOR_COOKIE, is_bot

pytestmark = pytest.mark.django_db

BOT_UA = "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"


def words(n: int) -> str:
    return "<p>" + " ".join(["стратегия"] * n) + "</p>"


def test_script_iframe_and_event_handlers_are_removed_from_article(make_article):
    article = make_article(
        body=(
            '<p onclick="steal()">Итоги сессии <a href="javascript:alert(1)">ссылка</a> '
            '<a href="https://samregion.ru/">сайт правительства</a></p>'
            "<script>alert('xss')</script><iframe src='https://evil.example'></iframe>"
            '<img src="https://samregion.ru/a.jpg" onerror="alert(2)" alt="Зал">'
        )
    )

    assert "<script" not in article.body
    assert "alert('xss')" not in article.body
    assert "<iframe" not in article.body
    assert "onclick" not in article.body and "onerror" not in article.body
    assert "javascript:" not in article.body
    assert 'href="https://samregion.ru/"' in article.body
    assert "Итоги сессии" in article.body


def test_article_page_does_not_execute_injected_markup(client, make_article, policies):
    article = make_article(body="<p>Текст</p><script>document.title='взлом'</script>")

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert "document.title='взлом'" not in html


@pytest.mark.parametrize(
    ("word_count", "expected"),
    [
        (100, "1\u00a0минута"),
        (300, "2\u00a0минуты"),
        (850, "5\u00a0минут"),
        (3700, "21\u00a0минута"),
    ],
)
def test_reading_time_uses_russian_plural_forms(
    client, make_article, policies, word_count, expected
):
    article = make_article(body=words(word_count), lead="Кратко.", title="Итоги")

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert f"Примерное время чтения: {expected}" in html


def test_view_is_counted_once_per_visitor_per_day(client, article):
    url = article.get_absolute_url()
    for _ in range(3):
        client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    client.get(url, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.9")

    article.refresh_from_db()
    assert article.views_count == 2
    assert ArticleView.objects.filter(article=article).count() == 2


def test_bots_and_empty_user_agents_are_not_counted(client, article):
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BOT_UA)
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="")
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="curl/8.5.0")

    article.refresh_from_db()
    assert article.views_count == 0
    assert is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)")
    assert not is_bot(BROWSER_UA)


def test_next_day_view_counts_again(article):
    day = timezone.localdate()
    assert services.article_view_record(
        article=article, visitor_key="k", user_agent=BROWSER_UA, day=day
    )
    assert not services.article_view_record(
        article=article, visitor_key="k", user_agent=BROWSER_UA, day=day
    )
    assert services.article_view_record(
        article=article,
        visitor_key="k",
        user_agent=BROWSER_UA,
        day=day + datetime.timedelta(days=1),
    )


def test_with_metrics_consent_the_visitor_cookie_keys_the_view(client, article):
    client.cookies[CONSENT_COOKIE] = "accepted:1.0"
    client.cookies[VISITOR_COOKIE] = "a-random-visitor-token-123"
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.1")
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.2")

    article.refresh_from_db()
    assert article.views_count == 1


def test_article_page_sets_no_tracking_cookie_without_consent(client, article):
    response = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)

    assert VISITOR_COOKIE not in response.cookies


def test_scheduled_and_draft_articles_are_hidden_from_readers(client, make_article, policies):
    future = make_article(publish_at=timezone.now() + datetime.timedelta(days=2))
    draft = make_article(state=ArticleState.DRAFT)

    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert future not in selectors.article_list()


def test_staff_previews_a_draft_without_counting_a_view(client, make_article, policies):
    from civicplan.accounts.models import User

    draft = make_article(state=ArticleState.DRAFT)
    staff = User.objects.create_user("editor@example.ru", "пароль-редактора", is_staff=True)
    client.force_login(staff)

    response = client.get(draft.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 200
    assert "Предпросмотр" in response.content.decode()
    draft.refresh_from_db()
    assert draft.views_count == 0


def test_rating_shows_average_and_count(client, article):
    url = f"/news/{article.slug}/rate/"
    client.post(url, {"value": "5"}, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.1")
    client.post(url, {"value": "4"}, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="10.0.0.2")

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert "Оцените материал" in html
    assert "Средняя оценка 4,5 из 5" in html
    assert "2\u00a0оценки" in html


def test_rating_of_six_is_refused_and_nothing_is_stored(client, article):
    response = client.post(
        f"/news/{article.slug}/rate/", {"value": "6"}, HTTP_USER_AGENT=BROWSER_UA
    )

    assert response.status_code == 422
    assert "Оценка ставится от 1 до 5" in response.content.decode()
    assert not ArticleRating.objects.exists()
    article.refresh_from_db()
    assert article.rating_count == 0


@pytest.mark.parametrize("value", ["0", "-1", "4.5", "пять", "", None, "５"])
def test_other_bad_ratings_are_refused(article, value):
    with pytest.raises(InvalidInput):
        services.article_rate(article=article, visitor_key="v", value=value)


def test_second_rating_from_the_same_visitor_is_refused(client, article):
    url = f"/news/{article.slug}/rate/"
    client.post(url, {"value": "5"}, HTTP_USER_AGENT=BROWSER_UA)
    response = client.post(url, {"value": "1"}, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 409
    assert "Вы уже оценили" in response.content.decode()
    article.refresh_from_db()
    assert (article.rating_sum, article.rating_count) == (5, 1)


def test_comment_waits_for_moderation_then_appears(client, article):
    response = client.post(
        f"/news/{article.slug}/comment/",
        {"author_name": "Ольга", "text": "Поддерживаю идею с набережной!", "consent": "on"},
        HTTP_USER_AGENT=BROWSER_UA,
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert comment.consent is not None
    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Поддерживаю идею" not in html
    assert "Оставить комментарий (0)" in html

    services.comment_moderate(comment=comment, moderator=None, publish=True)

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Поддерживаю идею с набережной!" in html
    assert "Оставить комментарий (1)" in html
    assert "пожаловаться" in html


def test_script_and_iframe_in_a_comment_are_neutralised(client, article):
    client.post(
        f"/news/{article.slug}/comment/",
        {
            "author_name": "<b>Иван</b>",
            "text": "Хорошо <script>alert(1)</script><iframe src=x></iframe> сделано",
            "consent": "on",
        },
    )
    comment = Comment.objects.get()
    assert comment.text == "Хорошо сделано"
    assert comment.author_name == "Иван"


def test_comment_of_100000_characters_is_refused(client, article):
    response = client.post(
        f"/news/{article.slug}/comment/",
        {"author_name": "Пётр", "text": "а" * 100_000, "consent": "on"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Комментарий слишком длинный" in html
    assert "100\u00a0000" in html
    assert not Comment.objects.exists()


def test_comment_without_consent_is_refused_with_policy_link(client, article):
    response = client.post(
        f"/news/{article.slug}/comment/", {"author_name": "Пётр", "text": "Отличная новость"}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "дайте согласие на обработку персональных данных" in html
    assert "/accounts/policy/personal-data/" in html
    assert not Comment.objects.exists()


def test_comments_are_rate_limited_per_address(article):
    for n in range(5):
        services.comment_submit(
            article=article,
            author_name="Анна",
            text=f"Комментарий номер {n}",
            ip="10.1.1.1",
            consent_given=True,
        )
    with pytest.raises(Exception) as error:
        services.comment_submit(
            article=article, author_name="Анна", text="Ещё один", ip="10.1.1.1", consent_given=True
        )
    assert error.value.status == 429  # type: ignore[attr-defined]
    assert Comment.objects.count() == 5


def test_three_complaints_send_a_comment_back_to_moderation(client, article):
    comment = services.comment_submit(
        article=article, author_name="Анна", text="Грубый текст", consent_given=True
    )
    services.comment_moderate(comment=comment, moderator=None, publish=True)
    for ip in ("10.0.0.1", "10.0.0.2"):
        client.post(f"/news/comments/{comment.pk}/complain/", REMOTE_ADDR=ip)
    response = client.post(
        f"/news/comments/{comment.pk}/complain/", REMOTE_ADDR="10.0.0.1", follow=True
    )
    assert "Вы уже пожаловались" in response.content.decode()

    client.post(f"/news/comments/{comment.pk}/complain/", REMOTE_ADDR="10.0.0.3")

    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.complaints_count == 3
    assert comment.status == CommentStatus.PENDING
    assert article.comments_count == 0


def test_complaint_about_a_hidden_comment_is_refused(article):
    comment = services.comment_submit(
        article=article, author_name="Анна", text="Текст", consent_given=True
    )
    with pytest.raises(Exception) as error:
        services.comment_complain(comment=comment, visitor_key="x")
    assert error.value.status == 404  # type: ignore[attr-defined]


def test_related_materials_prefer_shared_tags_and_similar_text(client, make_article, policies):
    main = make_article(
        title="Малые города: как удержать молодёжь",
        body="<p>Молодёжь уезжает из малых городов, нужны рабочие места и жильё.</p>",
        tags=["малые города", "молодёжь"],
    )
    close = make_article(
        title="Молодёжь малых городов просит арендное жильё",
        body="<p>Молодые специалисты хотят остаться в малых городах, если будет жильё.</p>",
        tags=["малые города"],
    )
    make_article(
        title="Ремонт поликлиники в областном центре",
        body="<p>Поликлиника получила новое оборудование для диагностики.</p>",
        tags=["здравоохранение"],
    )

    related = selectors.related_articles(main)

    assert related[0] == close
    html = client.get(main.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Также вам может быть интересно" in html


def test_top_read_counts_only_the_last_seven_days(make_article, policies):
    old_favourite = make_article(title="Давняя новость")
    fresh = make_article(title="Свежая новость")
    today = timezone.localdate()
    for n in range(10):
        services.article_view_record(
            article=old_favourite,
            visitor_key=f"v{n}",
            user_agent=BROWSER_UA,
            day=today - datetime.timedelta(days=8),
        )
    for n in range(3):
        services.article_view_record(
            article=fresh, visitor_key=f"v{n}", user_agent=BROWSER_UA, day=today
        )

    top = selectors.top_read()

    assert [a.title for a in top] == ["Свежая новость"]
    assert top[0].week_views == 3


def test_article_page_has_open_graph_tags(client, article):
    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{article.title}">' in html
    assert 'property="og:url" content="http://testserver/news/' in html
    assert 'property="article:tag" content="стратегические сессии"' in html


def test_cover_must_be_an_image_and_needs_alt_text(make_article):
    import io

    fake = io.BytesIO(b"MZ\x90\x00 not an image at all")
    fake.name = "cover.jpg"
    with pytest.raises(InvalidInput) as error:
        make_article(cover=fake, cover_alt="Зал заседаний")
    assert "не похож на допустимый формат" in error.value.message

    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    png.name = "cover.png"
    with pytest.raises(InvalidInput) as error:
        make_article(cover=png, cover_alt="")
    assert "Опишите обложку" in error.value.message


def test_second_rating_raises_conflict_in_service(article):
    services.article_rate(article=article, visitor_key="v", value=3)
    with pytest.raises(Conflict):
        services.article_rate(article=article, visitor_key="v", value=4)


def test_personal_data_export_and_erasure(article, poll):
    from civicplan.accounts.models import User
    from civicplan.publications.services import personal_data

    user = User.objects.create_user("olga@example.ru", "пароль-ольги-1")
    comment = services.comment_submit(article=article, author_name="", text="Отлично!", user=user)
    services.comment_moderate(comment=comment, moderator=None, publish=True)
    services.poll_vote(poll=poll, option_ids=[poll.options.first().pk], user=user)

    data = personal_data.export(user)
    assert data["news_comments"][0]["text"] == "Отлично!"
    assert data["poll_votes"][0]["options"] == ["Отремонтировать дороги"]
    assert personal_data.erase(user=user, dry_run=True) == 2

    assert personal_data.erase(user=user) == 2

    article.refresh_from_db()
    assert article.comments_count == 0
    assert not Comment.objects.exists()
    poll.refresh_from_db()
    assert poll.votes_count == 1 and poll.votes.get().user is None


def test_editor_writes_news_in_admin_and_the_body_is_sanitised(client, policies):
    from civicplan.accounts.models import User
    from civicplan.publications.models import Article

    admin = User.objects.create_superuser("admin@example.ru", "пароль-админа-1")
    client.force_login(admin)
    now = timezone.localtime()

    response = client.post(
        "/admin/publications/article/add/",
        {
            "title": "Итоги сессии «Кадровая стратегия»",
            "slug": "",
            "lead": "Работодатели и колледжи договорились о целевом обучении.",
            "body": "<p>Текст</p><script>alert(1)</script><p onmouseover='x()'>Ещё</p>",
            "tag_names": "кадры, образование",
            "cover_alt": "",
            "state": "published",
            "publish_at_0": now.strftime("%d.%m.%Y"),
            "publish_at_1": now.strftime("%H:%M:%S"),
            "byline": "Пресс-служба министерства",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.body == "<p>Текст</p><p>Ещё</p>"
    assert article.slug == "itogi-sessii-kadrovaya-strategiya"
    assert sorted(t.name for t in article.tags.all()) == ["кадры", "образование"]
    assert article.author == admin


def test_news_list_costs_a_fixed_number_of_queries(
    client, make_article, django_assert_max_num_queries
):
    for n in range(3):
        make_article(title=f"Новость {n}", tags=["кадры", f"тег {n}"])
    with django_assert_max_num_queries(12) as few:
        client.get("/news/")
    for n in range(3, 15):
        make_article(title=f"Новость {n}", tags=["кадры", f"тег {n}"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/news/")


def test_article_links_to_its_event_through_the_generic_link(client, article, poll):
    # Any model can be the event (meetings.Session once it exists); a poll stands in here.
    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Событие:" not in html

    services.article_update(article=article, event=poll)

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert f'Событие: <a href="{poll.get_absolute_url()}">' in html


def test_call_to_send_a_proposal_only_while_proposals_are_accepted(
    client, demo_campaign, make_article
):
    article = make_article(campaign=demo_campaign)

    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Есть идея для своего города?" in html
    assert "Отправить предложение" in html

    demo_campaign.phases.update(accepts_proposals=False)
    html = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Есть идея для своего города?" not in html


def test_htmx_filter_returns_only_the_results(client, make_article, policies):
    make_article(title="Кадры для промышленности", tags=["кадры"])

    response = client.get("/news/?q=Кадры", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html and "Кадры для промышленности" in html


def test_ratings_from_one_address_are_rate_limited(article):
    for n in range(20):
        services.article_rate(article=article, visitor_key=f"v{n}", value=5, ip_key="h")
    with pytest.raises(Exception) as error:
        services.article_rate(article=article, visitor_key="v-new", value=1, ip_key="h")
    assert error.value.status == 429  # type: ignore[attr-defined]
    article.refresh_from_db()
    assert article.rating_count == 20 and article.rating_sum == 100
