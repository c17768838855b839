"""A 300-page draft under discussion: reading view, answer page, comparison and summary table.

    .venv/bin/python benchmarks/drafts/bench_discussion.py
    .venv/bin/python benchmarks/drafts/bench_discussion.py --paragraphs 3000 --comments 5000 --repeat 7

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the Samara region, its
demo strategy and campaign, then (not timed) creates a draft of N paragraphs in 150 sections
through `version_create_from_document` (~50 words a paragraph: 3,000 paragraphs ≈ 300 pages),
publishes it, inserts M published comments in bulk (bulk_create: the comment service would
take minutes and is not what is measured), decides 60 % of them, and makes version 2 with
5 % of the paragraphs changed. Then times, with the page cache off:

- the reading view of the whole draft (`GET /drafts/<pk>/`), median of --repeat renders;
- «Что изменилось и почему» between the two versions;
- the public summary page and the drafting group's answer page (one page of each);
- the summary table as DOCX and XLSX together (`summary_documents`, what the job and the
  download build) and the DOCX alone.

Prints JSON with the figures and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import io
import json
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
    "развитие региона инфраструктура малых городов поддержка предпринимательства качество "
    "жизни здравоохранение образование кадры цифровая экономика дороги жильё экология "
    "туризм культура спорт молодёжь занятость доходы населения инвестиции промышленность "
    "сельское хозяйство транспорт связь безопасность"
).split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paragraphs", type=int, default=3000)
    parser.add_argument("--sections", type=int, default=150)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cp-bench-drafts-")
    os.environ.setdefault("CIVICPLAN_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PAGE_CACHE"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)

    from django.test import Client
    from django.utils import timezone

    from civicplan.accounts import demo as accounts_demo
    from civicplan.accounts.models import User
    from civicplan.campaigns.models import Campaign
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.drafts.exports import summary_documents, summary_docx
    from civicplan.drafts.models import (
        AuthorKind,
        CommentKind,
        Decision,
        DraftComment,
        ModerationStatus,
    )
    from civicplan.drafts.services import (
        DocumentInput,
        ParagraphInput,
        SectionInput,
        draft_create,
        version_create_from_document,
        version_create_next,
        version_publish,
    )
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories.testing import load_regions

    quiet = io.StringIO()
    load_regions(63)
    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=quiet)
    campaigns_demo.load(stdout=quiet, only_region_codes={63})
    campaign = Campaign.objects.select_related("strategy").get(slug="strategy-leadership-samara")
    editor = User.objects.get(email="strategy@civicplan.local")
    rng = random.Random(2026)

    started = time.perf_counter()
    draft = draft_create(
        strategy=campaign.strategy, campaign=campaign, title="Проект стратегии", actor=editor
    )
    per_section = max(1, args.paragraphs // args.sections)
    document = DocumentInput(
        sections=[
            SectionInput(title=f"Раздел {i + 1}. {_text(rng, 5)}") for i in range(args.sections)
        ],
        paragraphs=[
            ParagraphInput(text=_text(rng, 50), section=min(i // per_section, args.sections - 1))
            for i in range(args.paragraphs)
        ],
    )
    first = version_create_from_document(draft=draft, document=document, actor=editor)
    today = timezone.localdate()
    version_publish(
        version=first, actor=editor, opens=today, closes=today + timezone.timedelta(days=30)
    )
    paragraphs = list(first.paragraphs.order_by("order"))
    kinds = list(AuthorKind.values)
    decisions = [Decision.ACCEPTED, Decision.PARTLY, Decision.DECLINED]
    now = timezone.now()
    comments = []
    for i in range(args.comments):
        decided = rng.random() < 0.6
        comments.append(
            DraftComment(
                paragraph=rng.choice(paragraphs),
                kind=CommentKind.AMENDMENT if i % 5 == 0 else CommentKind.REMARK,
                body=_text(rng, 30),
                proposed_text=_text(rng, 20) if i % 5 == 0 else "",
                author_kind=rng.choice(kinds),
                organisation=f"Организация № {i}" if i % 4 == 0 else "",
                author_display_name=f"Участник {i}" if i % 3 == 0 else "",
                status=ModerationStatus.PUBLISHED,
                moderated_at=now,
                decision=rng.choice(decisions) if decided else Decision.NONE,
                decision_reason=_text(rng, 15) if decided else "",
                decided_at=now if decided else None,
                tracking_token=f"bench-{i}",
            )
        )
    DraftComment.objects.bulk_create(comments, batch_size=1000)
    second = version_create_next(draft=draft, actor=editor)
    changed = list(second.paragraphs.order_by("?")[: args.paragraphs // 20])
    for paragraph in changed:
        paragraph.text = (
            paragraph.text.replace("развитие", "устойчивое развитие", 1) + " Дополнено."
        )
    type(changed[0]).objects.bulk_update(changed, ["text"])
    version_publish(
        version=second, actor=editor, opens=today, closes=today + timezone.timedelta(days=30)
    )
    setup = time.perf_counter() - started

    client = Client()
    staff = Client()
    staff.force_login(editor)
    checks = {}

    def get(c: Client, url: str) -> int:
        response = c.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    pages = {
        "reading_view_v1": (client, f"/drafts/{draft.pk}/v1/"),
        "changes_v1_v2": (client, f"/drafts/{draft.pk}/changes/?from=1&to=2"),
        "summary_page": (client, f"/drafts/{draft.pk}/v1/summary/"),
        "answers_page": (staff, f"/drafts/work/answers/{first.pk}/"),
    }
    for name, (c, url) in pages.items():
        size = get(c, url)  # warm
        median, runs = _timed(lambda c=c, url=url: get(c, url), args.repeat)
        checks[name] = {
            "median_ms": round(median * 1000),
            "runs_ms": [round(r * 1000) for r in runs],
            "kb": size // 1024,
        }
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        target = os.environ["BENCH_PROFILE"]
        if target == "summary":
            profiler.runcall(lambda: summary_documents(first))
        else:
            profiler.runcall(lambda: get(*pages[target]))
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    both_median, _ = _timed(lambda: summary_documents(first), max(1, args.repeat // 2))
    docx_median, _ = _timed(lambda: summary_docx(first), max(1, args.repeat // 2))
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "paragraphs": args.paragraphs,
                "sections": args.sections,
                "comments": args.comments,
                "setup_s": round(setup, 1),
                "pages": checks,
                "summary_docx_and_xlsx_s": round(both_median, 2),
                "summary_docx_alone_s": round(docx_median, 2),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
