"""How many concurrent writes the SQLite default loses, with the transactions Django opens.

    .venv/bin/python benchmarks/faults/sqlite_writers.py --threads 30 --writes 20

Each thread plays a request of the idea board: in one transaction it reads (the member's
earlier ideas, as `idea_post` does), then counts a rate-limit hit and inserts the idea. The
connections are opened as config/settings.py opens them (WAL, synchronous=NORMAL, busy
timeout, autocommit with explicit BEGIN), once with Django's default `BEGIN` (DEFERRED) and
once with `transaction_mode = IMMEDIATE` (what the settings use). A DEFERRED transaction that
read first and then must write cannot wait for the lock when another writer committed in
between: SQLite answers «database is locked» at once (SQLITE_BUSY_SNAPSHOT), whatever the
busy timeout. IMMEDIATE takes the write lock at BEGIN, where the busy timeout does wait.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from pathlib import Path


def run(mode: str, *, threads: int, writes: int, timeout: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "board.sqlite3"
        setup = sqlite3.connect(path, isolation_level=None)
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE idea (id INTEGER PRIMARY KEY, member INT, text TEXT)")
        setup.execute("CREATE TABLE hits (key TEXT PRIMARY KEY, n INT)")
        setup.close()
        lost = 0
        lock = threading.Lock()
        start = threading.Barrier(threads)

        def participant(member: int) -> None:
            nonlocal lost
            db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")
            start.wait()
            for n in range(writes):
                try:
                    db.execute("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")
                    db.execute("SELECT text FROM idea WHERE member = ?", (member,)).fetchall()
                    db.execute(
                        "INSERT INTO hits VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
                        (f"idea:{member}",),
                    )
                    db.execute(
                        "INSERT INTO idea (member, text) VALUES (?, ?)", (member, f"Идея {n}")
                    )
                    db.execute("COMMIT")
                except sqlite3.OperationalError:
                    db.execute("ROLLBACK") if db.in_transaction else None
                    with lock:
                        lost += 1
            db.close()

        began = time.perf_counter()
        workers = [threading.Thread(target=participant, args=(m,)) for m in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - began
        stored = sqlite3.connect(path).execute("SELECT COUNT(*) FROM idea").fetchone()[0]
        return {"sent": threads * writes, "stored": stored, "failed": lost, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=30)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    print("| BEGIN | sent | stored | refused «database is locked» | seconds |")
    print("|---|---|---|---|---|")
    for mode in ("DEFERRED", "IMMEDIATE"):
        r = run(mode, threads=args.threads, writes=args.writes, timeout=args.timeout)
        print(f"| {mode} | {r['sent']} | {r['stored']} | {r['failed']} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
