"""The one place that turns a stage's judgement into Beam outputs, counters and dead letters.

A stage subclasses `Stage` and implements `judge(doc) -> Verdict`; `RunStage` wraps it in a DoFn with
three outputs (kept, rejected, errors), Beam metrics counters per stage and source, and error
capture, so no stage re-implements them. Global stages (dedup) reuse the same record builders and
counters.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import time
import traceback
from typing import Any, ClassVar, Mapping, NamedTuple, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.document import Document

KEPT = "kept"
REJECTED = "rejected"
ERRORS = "errors"
READ_STAGE = "read"  # the pseudo-stage that ingestion reports its dead letters under
METRICS_PREFIX = "winnow"
TEXT_PREVIEW_CHARS = 500  # how much of a rejected document's text is kept for inspection


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A stage's judgement on one document: the document to pass on, or a reason to reject it."""

    document: Optional[Document]
    reason: Optional[str] = None
    measurements: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def keep(cls, document: Document, **measurements: Any) -> "Verdict":
        return cls(document=document, measurements=measurements)

    @classmethod
    def reject(cls, reason: str, **measurements: Any) -> "Verdict":
        return cls(document=None, reason=reason, measurements=measurements)

    @property
    def kept(self) -> bool:
        return self.document is not None


class Stage:
    """Base of every per-document stage: parameters in, `judge` out. Pure and picklable.

    Subclasses set `name` (one of DESIGN.md's stage names) and `Params` (a dataclass of parameters,
    see transforms.params), load heavy resources in `setup` (called once per worker), and keep
    `judge` free of Beam so it can be tested on plain documents.
    """

    name: ClassVar[str] = ""
    Params: ClassVar[type]
    needs_text: ClassVar[bool] = True  # False only for stages that read the raw HTML (extract)

    def __init__(self, params=None):
        self.params = params if params is not None else self.Params()

    def setup(self) -> None:
        """Load models or tables; called once per DoFn instance before any document."""

    def judge(self, doc: Document) -> Verdict:
        raise NotImplementedError

    def before_judging(self) -> Optional[beam.PTransform]:
        """A transform PCollection[Document] -> PCollection[Document] run before `judge`, or None.
        For facts `judge` needs from other documents, e.g. a code file's repository licence."""
        return None

    def after_judging(self) -> Optional[beam.PTransform]:
        """A transform for the documents this stage kept (per source), or None. For decisions that
        need every document's measurement first, e.g. keeping the top fraction by a model score; it
        returns StageOutputs and its rejections are this stage's."""
        return None


def rejection_record(doc: Document, stage: str, reason: str, measurements: Mapping[str, Any]) -> dict:
    """The JSON object written to OUT/rejected/<stage>/ (the output contract)."""
    text = doc.text if doc.text else (doc.html or "")
    return {
        "id": doc.id,
        "origin": doc.origin,
        "source": doc.source,
        "kind": doc.kind,
        "stage": stage,
        "reason": reason,
        "measurements": dict(measurements),
        "text_preview": text[:TEXT_PREVIEW_CHARS],
    }


def error_record(stage: str, source: str, origin: str, error: BaseException, doc_id: Optional[str] = None,
                 location: Optional[str] = None) -> dict:
    """The JSON object written to OUT/errors/ (the output contract), with the end of the traceback.

    `location` says where in the input a reader met the problem (`file@offset`) when the origin is a URL.
    """
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    record = {
        "id": doc_id,
        "origin": origin,
        "source": source,
        "stage": stage,
        "error": f"{type(error).__name__}: {error}",
        "traceback": trace[-2000:],
    }
    if location is not None:
        record["location"] = location
    return record


PROGRESS_ENV = "WINNOW_PROGRESS_SECONDS"  # set by `winnow run --progress-seconds`; 0 or unset: quiet


class StageCounters:
    """Beam counters `in`, `kept`, `rejected:<reason>`, `errors` under winnow/<stage>/<source>, and a
    progress line on stderr every WINNOW_PROGRESS_SECONDS seconds.

    Counter objects are cached because documents of many sources pass through one DoFn. The progress
    line is this worker's own tally (runners report Beam metrics only at the end, or in their UI):
    on the DirectRunner that is the run's progress as it goes.
    """

    def __init__(self, stage: str):
        self.stage = stage
        self._counters = {}
        self._tally: dict = {}
        self._interval = float(os.environ.get(PROGRESS_ENV) or 0)
        self._started = self._last_print = time.monotonic()

    def inc(self, source: str, name: str, n: int = 1) -> None:
        key = (source, name)
        counter = self._counters.get(key)
        if counter is None:
            counter = Metrics.counter(f"{METRICS_PREFIX}/{self.stage}/{source}", name)
            self._counters[key] = counter
        counter.inc(n)
        if self._interval:
            group = name.split(":", 1)[0]
            self._tally[(source, group)] = self._tally.get((source, group), 0) + n
            now = time.monotonic()
            if now - self._last_print >= self._interval:
                self._last_print = now
                self._print_progress(now)

    def _print_progress(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        for source in sorted({s for s, _ in self._tally}):
            seen = {group: n for (s, group), n in self._tally.items() if s == source}
            done = seen.get("in") or seen.get("documents") or sum(seen.values())
            parts = " · ".join(f"{group} {n:,}" for group, n in sorted(seen.items()))
            print(f"winnow progress [pid {os.getpid()}] {self.stage}[{source}]: {parts} · "
                  f"{done / elapsed:,.1f} docs/s", file=sys.stderr, flush=True)


class StageOutputs(NamedTuple):
    kept: beam.PCollection
    rejected: beam.PCollection
    errors: beam.PCollection


class _JudgeDoFn(beam.DoFn):
    def __init__(self, stage: Stage):
        self.stage = stage

    def setup(self):
        self.stage.setup()
        self.counters = StageCounters(self.stage.name)

    def process(self, doc: Document):
        name = self.stage.name
        self.counters.inc(doc.source, "in")
        if self.stage.needs_text and doc.html is not None and not doc.text:
            # An HTML row of a source that does not run extract: judging empty text would reject
            # it for a misleading reason (low_confidence, too few words); say what really happened.
            self.counters.inc(doc.source, "rejected:not_extracted")
            yield beam.pvalue.TaggedOutput(REJECTED, rejection_record(doc, name, "not_extracted", {}))
            return
        try:
            verdict = self.stage.judge(doc)
        except Exception as error:  # a bad document must never crash the job: dead-letter it
            self.counters.inc(doc.source, "errors")
            yield beam.pvalue.TaggedOutput(ERRORS, error_record(name, doc.source, doc.origin, error, doc.id))
            return
        if verdict.kept:
            self.counters.inc(doc.source, "kept")
            yield verdict.document.with_scores(name, verdict.measurements)
        else:
            self.counters.inc(doc.source, f"rejected:{verdict.reason}")
            yield beam.pvalue.TaggedOutput(
                REJECTED, rejection_record(doc, name, verdict.reason, verdict.measurements)
            )


class RunStage(beam.PTransform):
    """Applies a per-document Stage: PCollection[Document] -> StageOutputs(kept, rejected, errors)."""

    def __init__(self, stage: Stage, label: Optional[str] = None):
        super().__init__(label)
        self.stage = stage

    def expand(self, docs):
        before = self.stage.before_judging()
        if before is not None:
            docs = docs | "BeforeJudging" >> before
        results = docs | beam.ParDo(_JudgeDoFn(self.stage)).with_outputs(REJECTED, ERRORS, main=KEPT)
        after = self.stage.after_judging()
        if after is None:
            return StageOutputs(results[KEPT], results[REJECTED], results[ERRORS])
        final = results[KEPT] | "AfterJudging" >> after
        return StageOutputs(
            final.kept,
            (results[REJECTED], final.rejected) | "AllRejected" >> beam.Flatten(),
            (results[ERRORS], final.errors) | "AllErrors" >> beam.Flatten(),
        )
