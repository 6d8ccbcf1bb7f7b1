"""Keep the best-scoring fraction of a collection of documents (DCLM keeps its top 10% by fastText score).

A fraction needs the score distribution before any document can be judged, so this is a small global
step after a per-document stage: the stage writes each document's score into `scores[stage][key]`,
this transform finds the score at the wanted quantile with Beam's ApproximateQuantiles (a
mergeable sketch: no worker holds every score) and passes it as a side input to the filter.

The quantile is approximate (rank error about 1/`num_quantiles` of the documents) and documents
tied with the threshold are all kept, so the kept share can exceed the fraction by that much.
Documents without the score (the stage did not score them, e.g. a language the model does not
judge) are kept: they were not ranked.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

import apache_beam as beam

from transforms.stage import KEPT, REJECTED, StageCounters, StageOutputs, rejection_record

REASON = "below_top_fraction"


def threshold_for_fraction(quantiles: Sequence[float], fraction: float) -> Optional[float]:
    """The smallest score a document needs to be in the top `fraction`, from evenly spaced quantiles
    (quantiles[0] the minimum, quantiles[-1] the maximum). None: nothing was scored."""
    if not quantiles:
        return None
    if fraction >= 1.0:
        return quantiles[0]
    steps = len(quantiles) - 1
    index = min(steps, max(0, round((1.0 - fraction) * steps)))
    return quantiles[index]


def _score_of(doc, stage: str, key: str) -> Optional[float]:
    value = (doc.scores or {}).get(stage, {}).get(key)
    return None if value is None else float(value)


class _SplitAtThreshold(beam.DoFn):
    def __init__(self, stage: str, key: str, fraction: float):
        self.stage, self.key, self.fraction = stage, key, fraction

    def setup(self):
        self.counters = StageCounters(self.stage)

    def process(self, doc, quantiles: List[float]):
        threshold = threshold_for_fraction(quantiles, self.fraction)
        score = _score_of(doc, self.stage, self.key)
        if threshold is None or score is None or score >= threshold:
            yield doc
            return
        # the stage counted this document as kept; it is not
        self.counters.inc(doc.source, "kept", -1)
        self.counters.inc(doc.source, f"rejected:{REASON}")
        yield beam.pvalue.TaggedOutput(REJECTED, rejection_record(
            doc, self.stage, REASON,
            {self.key: score, "threshold": round(threshold, 6), "keep_top_fraction": self.fraction}))


class KeepTopFraction(beam.PTransform):
    """PCollection[Document] -> StageOutputs: documents scoring in the top `fraction` by
    scores[stage][key] kept, the others rejected as `below_top_fraction` under `stage`."""

    def __init__(self, stage: str, key: str, fraction: float, num_quantiles: int = 1001):
        super().__init__()
        if not 0.0 < fraction <= 1.0:
            raise ValueError("fraction must be in (0, 1]")
        self.stage, self.key, self.fraction, self.num_quantiles = stage, key, fraction, num_quantiles

    def expand(self, docs):
        stage, key = self.stage, self.key
        quantiles = (
            docs
            | "Scores" >> beam.FlatMap(lambda d: [s] if (s := _score_of(d, stage, key)) is not None else [])
            | "Quantiles" >> beam.ApproximateQuantiles.Globally(self.num_quantiles)
        )
        split = docs | "Split" >> beam.ParDo(
            _SplitAtThreshold(stage, key, self.fraction), quantiles=beam.pvalue.AsSingleton(quantiles, default_value=[])
        ).with_outputs(REJECTED, main=KEPT)
        errors = docs.pipeline | "NoErrors" >> beam.Create([])
        return StageOutputs(split[KEPT], split[REJECTED], errors)
