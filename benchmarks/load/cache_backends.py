"""Which shared store serves the page cache faster without Redis: files or the database table?

    .venv/bin/python benchmarks/load/cache_backends.py --reads 3000 --writes 300

Each read is what the page cache does per request (`get_many` of the generation and one page
of about 60 KB); each write stores a page. Runs on the default database (the SQLite file of
`make run`, or DATABASE_URL), in a scratch table and a scratch directory; Redis is measured
too when REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def measure(backend: object, reads: int, writes: int) -> dict[str, float]:
    page = ("g1", {"Content-Type": "text/html; charset=utf-8"}, os.urandom(30_000).hex().encode())
    keys = [f"cp:page:{n}" for n in range(50)]
    backend.set("cp:pages:generation", "g1", None)  # type: ignore[attr-defined]
    write_times = []
    for n in range(writes):
        started = time.perf_counter()
        backend.set(keys[n % len(keys)], page, 300)  # type: ignore[attr-defined]
        write_times.append(time.perf_counter() - started)
    read_times = []
    for n in range(reads):
        started = time.perf_counter()
        found = backend.get_many(["cp:pages:generation", keys[n % len(keys)]])  # type: ignore[attr-defined]
        read_times.append(time.perf_counter() - started)
        assert found
    return {
        "read_p50_ms": 1000 * statistics.median(read_times),
        "read_p95_ms": 1000 * statistics.quantiles(read_times, n=20)[18],
        "write_p50_ms": 1000 * statistics.median(write_times),
        "write_p95_ms": 1000 * statistics.quantiles(write_times, n=20)[18],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache.backends.db import DatabaseCache
    from django.core.cache.backends.filebased import FileBasedCache
    from django.db import connection

    table = "bench_page_cache"
    backends: dict[str, object] = {}
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR) as scratch:
        backends["files"] = FileBasedCache(scratch, {"OPTIONS": {"MAX_ENTRIES": 5000}})
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {table} (cache_key varchar(255) PRIMARY KEY, "
                "value text NOT NULL, expires timestamp NOT NULL)"
            )
        try:
            backends["database table"] = DatabaseCache(table, {"OPTIONS": {"MAX_ENTRIES": 5000}})
            if os.environ.get("REDIS_URL"):
                from django.core.cache.backends.redis import RedisCache

                backends["redis"] = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "bench"})
            print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
            print("| store | read p50 ms | read p95 ms | write p50 ms | write p95 ms |")
            print("|---|---:|---:|---:|---:|")
            for name, backend in backends.items():
                r = measure(backend, args.reads, args.writes)
                print(
                    f"| {name} | {r['read_p50_ms']:.2f} | {r['read_p95_ms']:.2f} | "
                    f"{r['write_p50_ms']:.2f} | {r['write_p95_ms']:.2f} |"
                )
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {table}")


if __name__ == "__main__":
    main()
