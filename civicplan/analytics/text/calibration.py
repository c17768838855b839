"""Probabilities and the choices made on held-out predictions: the softmax, a classifier's
per-class offsets and temperature, and the accuracy + ½ macro-F1 they are judged by (fast
enough to try hundreds of choices)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BIAS_STEPS = np.round(np.linspace(-2.0, 2.0, 21), 2)
"""Offsets tried for each class, in log-probability."""
TEMPERATURES = np.exp(np.linspace(np.log(0.2), np.log(5.0), 41))
"""Temperatures tried for a classifier's probabilities (0.2 to 5, evenly on a log scale)."""
MACRO_F1_WEIGHT = 0.5
"""What choices maximise: accuracy + this × macro-F1. With 1 the rare directions' few held-out
texts swung the choice (harder corpus: accuracy −0.014 on one training set of five); with 0.5
accuracy +0.004 and macro-F1 +0.003 on average over five (benchmarks/README.md)."""


def accuracy_and_macro_f1(
    y: np.ndarray, predicted: np.ndarray, present: Sequence[int]
) -> tuple[float, float]:
    """Accuracy and macro-F1 over the classes in `present` (the classes of the examples)."""
    n = int(max(y.max(initial=0), predicted.max(initial=0))) + 1
    matrix = np.bincount(y * n + predicted, minlength=n * n).reshape(n, n)
    tp = np.diag(matrix).astype(np.float64)
    both = matrix.sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2 * tp, both, out=np.zeros(n), where=both > 0)
    return float(tp.sum() / max(len(y), 1)), float(f1[list(present)].mean())


def choice_score(
    y: np.ndarray,
    predicted: np.ndarray,
    present: Sequence[int],
    macro_weight: float = MACRO_F1_WEIGHT,
) -> float:
    """accuracy + `macro_weight` × macro-F1: how held-out predictions rank a choice."""
    accuracy, macro_f1 = accuracy_and_macro_f1(y, predicted, present)
    return accuracy + macro_weight * macro_f1


def class_offsets(
    logp: np.ndarray,
    y: np.ndarray,
    present: Sequence[int],
    *,
    macro_weight: float = MACRO_F1_WEIGHT,
    steps: np.ndarray = BIAS_STEPS,
) -> np.ndarray:
    """Per-class offsets to the log-probabilities that raise `choice_score` on held-out
    predictions (coordinate ascent over `steps`, two rounds): a rare direction the model
    under-predicts gets a push, one it over-predicts a brake."""
    bias = np.zeros(logp.shape[1])
    best = choice_score(y, logp.argmax(axis=1), present, macro_weight)
    for _ in range(2):
        for k in present:
            for value in steps:
                trial = bias.copy()
                trial[k] = value
                total = choice_score(y, (logp + trial).argmax(axis=1), present, macro_weight)
                if total > best + 1e-9:
                    best, bias = total, trial
    return bias


def temperature(logp: np.ndarray, y: np.ndarray) -> float:
    """The temperature that makes the probabilities honest (least log-loss) on held-out
    predictions."""
    best, best_nll = 1.0, np.inf
    for temperature in TEMPERATURES:
        z = logp / temperature
        z -= z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(z).sum(axis=1))
        nll = float(-(z[np.arange(len(y)), y] - log_norm).mean())
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of `scores / temperature` (a new array)."""
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def confidence_temperature(logp: np.ndarray, target: float) -> float:
    """The temperature at which the mean top probability of `logp` is closest to `target`:
    without labels to fit on, a retrained model's confidence is brought back to that of a
    calibrated one on the same texts (its accuracy there is a little higher, so this errs
    on the modest side)."""
    best, best_gap = 1.0, np.inf
    for temperature in TEMPERATURES:
        z = logp / temperature
        z -= z.max(axis=1, keepdims=True)
        top = 1.0 / np.exp(z).sum(axis=1)  # the top class has z = 0
        gap = abs(float(top.mean()) - target)
        if gap < best_gap:
            best, best_gap = float(temperature), gap
    return best


__all__ = [
    "BIAS_STEPS",
    "MACRO_F1_WEIGHT",
    "accuracy_and_macro_f1",
    "choice_score",
    "class_offsets",
    "confidence_temperature",
    "softmax",
    "temperature",
]
