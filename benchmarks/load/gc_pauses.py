"""Full garbage collections in the gunicorn workers, with and without `gc.freeze` in the
master (config/gunicorn.conf.py, `pre_fork`; CIVICPLAN_GC_FREEZE=0 turns it off):

    .venv/bin/python benchmarks/load/gc_pauses.py [--rounds 2] [--duration 15] [--database sqlite]

First times a full collection in a process warmed as the master is, before and after
`gc.freeze`. Then the server is started as `make run` starts it (config/gunicorn.conf.py),
with recycling off (GUNICORN_MAX_REQUESTS=0, so that only the collections differ), through a
wrapper config that records how long each full (generation 2; `--generation`) collection of a
worker takes. wrk (16 connections) requests the signed-in resident's home page and article
(the pages that make the most garbage) for `--duration` seconds each; the two settings
alternate for `--rounds` rounds. Prints, per setting and page: requests per second, p50 / p95
/ p99 / max, and the collections: how many, their total and their longest pause.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_pages import (  # noqa: E402
    FIXTURES,
    GUNICORN,
    RESIDENT,
    ROOT,
    SESSION,
    django_run,
    ensure_demo,
    get,
    load_average,
    server_env,
    wait_for,
    wrk,
)

WRAPPER = """
import gc, os, time
_path = {config!r}
exec(compile(open(_path).read(), _path, "exec"))
_post_worker_init = post_worker_init

def post_worker_init(worker):
    _post_worker_init(worker)
    out = open(os.path.join({folder!r}, f"gc-{{os.getpid()}}.txt"), "a", buffering=1)
    started = [0.0]

    def record(phase, info):
        if info["generation"] != {generation}:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            out.write(f"{{1000 * (time.perf_counter() - started[0]):.2f}}\\n")

    gc.callbacks.append(record)
    out.write("-1\\n")
"""


_READ: dict[Path, int] = {}


def pauses(folder: Path) -> list[float]:
    """The full collections' pauses (ms) the workers recorded since the last call."""
    found: list[float] = []
    for path in folder.glob("gc-*.txt"):
        lines = path.read_text().split()
        found += [float(line) for line in lines[_READ.get(path, 0) :] if line != "-1"]
        _READ[path] = len(lines)
    return found


def run(freeze: bool, args: argparse.Namespace, pages: dict[str, str], folder: Path) -> Any:
    env = server_env(args.database, args.pg_database, args.port, None)
    env.update(GUNICORN_MAX_REQUESTS="0", CIVICPLAN_GC_FREEZE="1" if freeze else "0")
    config = folder / "gunicorn_gc.conf.py"
    config.write_text(
        WRAPPER.format(
            config=str(ROOT / "config" / "gunicorn.conf.py"),
            folder=str(folder),
            generation=args.generation,
        )
    )
    server = subprocess.Popen(
        [str(GUNICORN), "-c", str(config), "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    rows = {}
    try:
        wait_for(base + "/healthz", timeout=90)
        cookie = django_run(env, SESSION, RESIDENT)
        for name, path in pages.items():
            get(base + path, cookie)
            pauses(folder)  # only the collections during the run
            before = load_average()
            result = wrk(base + path, duration=args.duration, connections=16, cookie=cookie)
            gcs = pauses(folder)
            rows[name] = {**result, "gc": gcs, "load": f"{before} → {load_average()}"}
    finally:
        server.terminate()
        server.wait(timeout=60)
    return rows


MASTER = """
import gc, time, django
django.setup()
from civicplan.core.warmup import warm_up
import config.wsgi
warm_up(log=lambda *args, **kwargs: None)
gc.collect()
def full():
    started = time.process_time()
    gc.collect()
    return 1000 * (time.process_time() - started)
before = [full() for _ in range(3)]
gc.freeze()
after = [full() for _ in range(3)]
print(f"tracked {len(gc.get_objects()) + gc.get_freeze_count()}, frozen {gc.get_freeze_count()}; "
      f"full collection CPU ms: {' '.join(f'{x:.0f}' for x in before)} -> "
      f"{' '.join(f'{x:.1f}' for x in after)} after gc.freeze")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--pg-database", default="civicplan_signedin")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument(
        "--generation", type=int, default=2, help="the collections to time (2: the full ones)"
    )
    args = parser.parse_args()
    env = server_env(args.database, args.pg_database, args.port, None)
    ensure_demo(env, args.pg_database if args.database == "postgres" else None)
    print("warmed master:", django_run(env, MASTER), flush=True)
    fixtures = json.loads(django_run(env, FIXTURES))
    pages = {"signed in: home /": fixtures["home /"], "signed in: article": fixtures["article"]}
    print(
        f"{args.database}, collections of generation {args.generation}, "
        f"load average {load_average()}",
        flush=True,
    )
    print(
        "| round | gc.freeze | page | req/s | p50 / p95 / p99 / max ms | full collections: n, total / longest ms | load |"
    )
    print("|---|---|---|---:|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for round_no in range(1, args.rounds + 1):
            for freeze in (False, True):
                for name, row in run(freeze, args, pages, folder).items():
                    gcs = row["gc"]
                    longest = max(gcs) if gcs else 0.0
                    print(
                        f"| {round_no} | {'yes' if freeze else 'no'} | {name} | {row['rps']:.0f} | "
                        f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f} / {row['p99_ms']:.0f} / "
                        f"{row['max_ms']:.0f} | {len(gcs)}, {sum(gcs):.0f} / {longest:.0f} "
                        f"(median {statistics.median(gcs) if gcs else 0:.0f}) | {row['load']} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
