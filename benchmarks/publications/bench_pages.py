"""Timings of the news pages on a throwaway SQLite database.

    .venv/bin/python benchmarks/publications/bench_pages.py --articles 300 --repeat 20

Creates N published articles (Russian texts of varying length and tags) in a temporary
database, then measures: related materials for one article with a cold cache (TF-IDF over up to
300 candidates), the article page (warm cache, view counted), the news list, «Топ 5 читаемых»
over a week of views, and recording views.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = (
    "стратегия развитие малые города молодёжь рабочие места дороги благоустройство дворы "
    "медицина школа колледж предприятие туризм связь интернет сессия предложения жители "
    "муниципалитет бюджет транспорт набережная парк спорт культура экология вода"
).split()
TAGS = ["малые города", "кадры", "туризм", "стратегические сессии", "здравоохранение", "транспорт"]
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cp-bench-pub-")
    os.environ["CIVICPLAN_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from civicplan.accounts.services import policy_publish
    from civicplan.publications import selectors, services
    from civicplan.publications.models import ArticleView

    policy_publish(kind="cookies", version="1.0", title="Политика cookie", text="Текст.")
    policy_publish(kind="personal-data", version="1.0", title="Согласие", text="Текст.")
    rng = random.Random(1)
    start = time.perf_counter()
    articles = []
    for n in range(args.articles):
        body = "".join(
            "<p>" + " ".join(rng.choices(WORDS, k=rng.randint(40, 120))) + ".</p>"
            for _ in range(rng.randint(2, 8))
        )
        articles.append(
            services.article_create(
                title=f"Новость {n}: " + " ".join(rng.choices(WORDS, k=6)),
                lead=" ".join(rng.choices(WORDS, k=20)),
                body=body,
                tags=rng.sample(TAGS, k=2),
                state="published",
                publish_at=timezone.now() - timezone.timedelta(hours=n),
            )
        )
    create_s = time.perf_counter() - start
    today = timezone.localdate()
    ArticleView.objects.bulk_create(
        [
            ArticleView(article=a, visitor_key=f"v{i}", day=today - timezone.timedelta(days=i % 7))
            for a in articles
            for i in range(rng.randint(1, 60))
        ]
    )
    target = articles[len(articles) // 2]

    def related_cold() -> None:
        selectors._CORPUS.clear()  # as after any change of a published article
        selectors.related_articles(target)

    def related_warm() -> None:
        selectors.related_articles(target)

    client = Client(HTTP_USER_AGENT=UA)
    url = target.get_absolute_url()
    client.get(url)
    counter = iter(range(10**9))

    def record_view() -> None:
        services.article_view_record(article=target, visitor_key=f"k{next(counter)}", user_agent=UA)

    results = {
        "create one article (sanitise, reading time, tags)": create_s / args.articles * 1000,
        f"related materials, corpus rebuilt ({min(args.articles - 1, 300)} candidates)": median_ms(
            related_cold, args.repeat
        ),
        "related materials, corpus in memory": median_ms(related_warm, args.repeat),
        "article page, warm cache": median_ms(lambda: client.get(url), args.repeat),
        "news list, first page": median_ms(lambda: client.get("/news/"), args.repeat),
        "«Топ 5 читаемых» over 7 days": median_ms(selectors.top_read, args.repeat),
        "record one view": median_ms(record_view, args.repeat * 10),
    }
    load = os.getloadavg()[0]
    print(
        f"articles: {args.articles}, views: {ArticleView.objects.count()}, load average {load:.1f}"
    )
    for name, value in results.items():
        print(f"{name}: {value:.1f} ms")


if __name__ == "__main__":
    main()
