"""Precision, recall and F1 for a binary decision, per class, and a threshold sweep table."""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence


def prf(truth: Sequence[bool], predicted: Sequence[bool], positive: bool = True) -> Dict[str, float]:
    """Precision, recall, F1 and support of the class `positive` (True = unsafe)."""
    tp = sum(t == positive and p == positive for t, p in zip(truth, predicted))
    fp = sum(t != positive and p == positive for t, p in zip(truth, predicted))
    fn = sum(t == positive and p != positive for t, p in zip(truth, predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def binary_report(truth: Sequence[bool], predicted: Sequence[bool],
                  names: Sequence[str] = ("unsafe", "safe")) -> str:
    """A per-class table, the macro F1, and the F1 of always answering "unsafe" for scale."""
    rows = [f"{'class':<8} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    f1s = []
    for name, positive in zip(names, (True, False)):
        m = prf(truth, predicted, positive)
        f1s.append(m["f1"])
        rows.append(f"{name:<8} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    accuracy = sum(t == p for t, p in zip(truth, predicted)) / max(len(truth), 1)
    rows.append(f"macro F1 {sum(f1s) / 2:.3f}; accuracy {accuracy:.3f}")
    always = prf(truth, [True] * len(truth))
    rows.append(f"(always 'unsafe' would score unsafe F1 {always['f1']:.3f}: "
                f"the classes are {always['support']}/{len(truth)} unsafe)")
    return "\n".join(rows)


def sweep_table(truth: Sequence[bool], scores: Sequence[float], thresholds: Iterable[float],
                clean_scores: Optional[Sequence[float]] = None) -> str:
    header = f"{'threshold':>9} {'unsafe P':>8} {'R':>6} {'F1':>6} {'safe F1':>7} {'macro F1':>8}"
    if clean_scores is not None:
        header += f" {'clean flagged':>13}"
    rows = [header]
    for threshold in thresholds:
        predicted = [s >= threshold for s in scores]
        unsafe = prf(truth, predicted, True)
        safe = prf(truth, predicted, False)
        row = (f"{threshold:>9.2f} {unsafe['precision']:>8.3f} {unsafe['recall']:>6.3f} {unsafe['f1']:>6.3f} "
               f"{safe['f1']:>7.3f} {(unsafe['f1'] + safe['f1']) / 2:>8.3f}")
        if clean_scores is not None:
            flagged = sum(s >= threshold for s in clean_scores)
            row += f" {flagged:>5}/{len(clean_scores):<4} {100 * flagged / max(len(clean_scores), 1):5.1f}%"
        rows.append(row)
    return "\n".join(rows)


def upper_bound_95(k: int, n: int) -> float:
    """One-sided 95% upper confidence bound of a rate seen k times in n (exact binomial, Clopper-Pearson).

    With 1 rejection in 592 documents the point estimate is 0.2% but the rate could be ~0.8%: the
    bound says how much a small clean set can promise.
    """
    if n == 0:
        return 1.0
    if k >= n:
        return 1.0

    def cdf(p: float) -> float:  # P(X <= k) for X ~ Binomial(n, p)
        term, total = (1 - p) ** n, 0.0
        for i in range(k + 1):
            total += term
            term *= (n - i) / (i + 1) * p / (1 - p)
        return total

    low, high = k / n, 1.0
    for _ in range(60):  # bisection: the p where P(X <= k) falls to 5%
        mid = (low + high) / 2
        low, high = (mid, high) if cdf(mid) > 0.05 else (low, mid)
    return high
