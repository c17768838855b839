"""The weekly digest for N followers of one municipality, from events to letters handed over.

    /usr/bin/time -v .venv/bin/python benchmarks/notifications/weekly_digest.py --followers 100000
    # on a busy machine: every step at full size, sending timed on the first 5,000 letters
    .venv/bin/python benchmarks/notifications/weekly_digest.py --followers 100000 --send-limit 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_bench_notify \
        .venv/bin/python benchmarks/notifications/weekly_digest.py --followers 100000

A throw-away database (a SQLite file in a temporary folder unless DATABASE_URL is given):
N residents with confirmed addresses who chose the weekly digest follow one municipality
(inserted in bulk, not timed). Timed:
  1. fan-out: three events in that municipality → 3·N notifications (`notify`);
  2. queue: `digest_queue(mode="weekly")` → N outbox letters;
  3. send: `outbox_send` until the outbox is empty — each letter claimed, rendered (HTML and
     text, List-Unsubscribe headers), serialised to MIME bytes by a backend that counts them
     instead of talking to a mail server, and marked sent.
Prints wall time per step, letters per second, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HANDED_OVER = {"letters": 0, "bytes": 0}


class CountingBackend:
    """A mail backend that serialises each letter as SMTP would and counts it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        for message in messages:
            HANDED_OVER["bytes"] += len(message.message().as_bytes())
            HANDED_OVER["letters"] += 1
        return len(messages)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--send-limit",
        type=int,
        default=0,
        help="send only this many of the queued letters (0: all) and report their rate",
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cp-bench-notify-")
    os.environ.setdefault("CIVICPLAN_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    settings.EMAIL_BACKEND = "benchmarks.notifications.weekly_digest.CountingBackend"
    import benchmarks.notifications.weekly_digest as this  # the module the backend counts in
    import civicplan.notifications.services as services_module
    import civicplan.notifications.services.digests as digests_module

    # each step is timed alone: no worker is woken up after a commit (beat does that)
    digests_module.sender_kick = services_module.sender_kick = lambda: None
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)

    from civicplan.accounts.models import User
    from civicplan.notifications.models import (
        Category,
        EmailMode,
        Follow,
        OutboxMessage,
        OutboxState,
        Subscriber,
        TargetKind,
    )
    from civicplan.notifications.services import notify
    from civicplan.notifications.services.digests import digest_queue
    from civicplan.notifications.services.outbox import outbox_send
    from civicplan.territories.models import Municipality, Region

    n = args.followers
    started = time.perf_counter()
    region = Region.objects.create(code=63, name="Самарская область")
    town = Municipality.objects.create(
        oktmo="36724000000",
        name="городской округ Отрадный",
        short_name="Отрадный",
        region=region,
        kind="urban_okrug",
    )
    now = timezone.now()
    for start in range(0, n, 5000):
        User.objects.bulk_create(
            [
                User(
                    email=f"follower{i:06d}@example.ru",
                    first_name="Житель",
                    password="!",
                    email_confirmed_at=now,
                )
                for i in range(start, min(n, start + 5000))
            ]
        )
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    weekly = {c: EmailMode.WEEKLY for c in Category.values}
    for start in range(0, n, 5000):
        Subscriber.objects.bulk_create(
            [Subscriber(user_id=uid, email_modes=weekly) for uid in user_ids[start : start + 5000]]
        )
    subscriber_ids = list(Subscriber.objects.values_list("pk", flat=True))
    for start in range(0, n, 5000):
        Follow.objects.bulk_create(
            [
                Follow(subscriber_id=sid, kind=TargetKind.MUNICIPALITY, target_id=town.pk)
                for sid in subscriber_ids[start : start + 5000]
            ]
        )
    setup = time.perf_counter() - started

    from civicplan.notifications.services import followers

    t0 = time.perf_counter()
    titles = [
        "Новое предложение: Отрадный — «Отремонтировать дорогу по улице Гагарина»",
        "Новая стратегическая сессия: Отрадный — «Городская среда», 12 марта 2027",
        "Новое предложение: Отрадный — «Открыть секцию самбо в спорткомплексе»",
    ]
    for title in titles:
        with transaction.atomic():
            notify(
                name="proposal.published",
                category=Category.NEWS,
                subscriber_ids=followers(TargetKind.MUNICIPALITY, [town.pk]),
                title=title,
                text="Текст события для сводки.",
                url="/proposals/1/",
                kind=TargetKind.MUNICIPALITY,
                target_id=town.pk,
            )
    fan_out = time.perf_counter() - t0

    t0 = time.perf_counter()
    queued = digest_queue(mode=EmailMode.WEEKLY)
    queue_time = time.perf_counter() - t0

    t0 = time.perf_counter()
    wanted = args.send_limit or n
    while OutboxMessage.objects.filter(state=OutboxState.SENT).count() < wanted and (
        OutboxMessage.objects.filter(state=OutboxState.PENDING).exists()
    ):
        outbox_send(limit=min(10 * args.batch, wanted), batch=args.batch)
    send_time = time.perf_counter() - t0

    sent = OutboxMessage.objects.filter(state=OutboxState.SENT).count()
    result = {
        "database": connection.vendor,
        "followers": n,
        "setup_s (not timed work)": round(setup, 1),
        "fan_out_3_events_s": round(fan_out, 1),
        "notifications": queued,
        "digest_queue_s": round(queue_time, 1),
        "letters_sent": sent,
        "letters_handed_over": this.HANDED_OVER["letters"],
        "mean_letter_bytes": round(this.HANDED_OVER["bytes"] / max(1, this.HANDED_OVER["letters"])),
        "send_s": round(send_time, 1),
        "letters_per_s": round(sent / send_time, 1) if send_time else None,
        "letters_queued": OutboxMessage.objects.count(),
        "total_timed_s": round(fan_out + queue_time + send_time, 1),
        "peak_memory_mb": round(peak_mb()),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
