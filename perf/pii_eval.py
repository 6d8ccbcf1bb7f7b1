#!/usr/bin/env python3
"""Span-level precision, recall and F1 of stage `pii` per entity type, on labelled PII data.

    python perf/pii_eval.py DATA [DATA ...] [--show-errors] [--min-score 0.4] [--stock-presidio]

DATA are files or directories (read recursively), never shipped with winnow:
  *.json, *.json.gz  presidio-research's format: [{full_text, spans: [{entity_type, entity_value,
                     start_position, end_position}]}], e.g. synth_dataset_v2.json, generated_small.json
  *.txt              NeMo-Curator's PII fixtures: one example per line, values tagged inline
                     (<email>...</email>, <phone_number>, <ssn>, <credit_card_number>, <ip_address>)

The detector runs with the stage's default parameters (PiiParams), as prose (no secrets).
--stock-presidio scores presidio's own predefined recognizers instead (offline, same blank spaCy
engine, same score threshold, its results as returned), the baseline our changes are measured
against.
Entity names: the presidio datasets use ours (EMAIL_ADDRESS, PHONE_NUMBER, IP_ADDRESS, CREDIT_CARD,
IBAN_CODE, US_SSN); NeMo's tags are mapped to them. Labelled types we do not detect (PERSON,
STREET_ADDRESS, DATE_TIME, ...) are not scored as misses, but a value we report that is not labelled
as the same type counts against precision even when it lies inside such a span (a phone number
found inside a street address is a false positive).

Matching rules, both printed:
  exact    a found span and a labelled span of the same type with the same [start, end)
  overlap  a found span and a labelled span of the same type that share at least one character
Precision = found spans that match / found spans; recall = labelled spans matched / labelled spans.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.pii import PiiParams  # noqa: E402
from transforms.pii_detection.entities import PII_ENTITIES  # noqa: E402
from transforms.pii_detection.labelled import parse_tagged_line  # noqa: E402



def read_presidio(path: Path):
    raw = path.read_bytes()
    records = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    for record in records:
        gold = {(s["entity_type"], s["start_position"], s["end_position"]) for s in record["spans"]
                if s["entity_type"] in PII_ENTITIES}
        yield record["full_text"], gold


def read_nemo(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield parse_tagged_line(line)


def data_files(argument: str):
    path = Path(argument)
    for candidate in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if candidate.name.upper().startswith(("LICENSE", "README", "COPYING")):
            continue
        if candidate.name.endswith((".json", ".json.gz")):
            yield candidate, read_presidio
        elif candidate.suffix == ".txt":
            yield candidate, read_nemo


class StockPresidio:
    """Presidio's predefined recognizers on the offline blank-spaCy engine: the baseline."""

    def __init__(self, min_score: float):
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

        from transforms.pii_detection.analyzer import LANGUAGE, BlankSpacyNlpEngine
        from transforms.pii_detection.spans import Span

        self._span = Span
        self._language = LANGUAGE
        self.min_score = min_score
        nlp_engine = BlankSpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": f"blank:{LANGUAGE}"}])
        nlp_engine.load()
        # Loading every predefined recognizer warns once per non-English one it skips.
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])

    def detect(self, text: str):
        results = self.analyzer.analyze(text=text, language=self._language, entities=list(PII_ENTITIES),
                                        score_threshold=self.min_score)
        return StockDetection([self._span(r.entity_type, r.start, r.end, r.score) for r in results])


class StockDetection:
    def __init__(self, spans):
        self.spans = spans


def overlaps(a, b) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


class Tally:
    def __init__(self):
        self.gold = Counter()
        self.found = Counter()
        self.matched_gold = {"exact": Counter(), "overlap": Counter()}
        self.matched_found = {"exact": Counter(), "overlap": Counter()}

    def add(self, gold, found):
        for g in gold:
            self.gold[g[0]] += 1
            self.matched_gold["exact"][g[0]] += g in found
            self.matched_gold["overlap"][g[0]] += any(overlaps(g, f) for f in found)
        for f in found:
            self.found[f[0]] += 1
            self.matched_found["exact"][f[0]] += f in gold
            self.matched_found["overlap"][f[0]] += any(overlaps(f, g) for g in gold)

    def scores(self, rule, types):
        gold = sum(self.gold[t] for t in types)
        found = sum(self.found[t] for t in types)
        precision = sum(self.matched_found[rule][t] for t in types) / found if found else 1.0
        recall = sum(self.matched_gold[rule][t] for t in types) / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return gold, found, precision, recall, f1

    def table(self, title):
        lines = [title, f"{'entity':<16}{'labelled':>9}{'found':>7}  |  exact:  P      R      F1    |  overlap: P      R      F1"]
        for name, types in [(t, [t]) for t in PII_ENTITIES] + [("all six", list(PII_ENTITIES))]:
            gold, found, *exact = self.scores("exact", types)
            _, _, *overlap = self.scores("overlap", types)
            if name == "all six":
                lines.append("-" * 96)
            lines.append(f"{name:<16}{gold:>9}{found:>7}  |  " + " ".join(f"{v:6.3f}" for v in exact)
                         + "   |          " + " ".join(f"{v:6.3f}" for v in overlap))
        return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+", help="files or directories of labelled data")
    parser.add_argument("--min-score", type=float, default=PiiParams().min_score)
    parser.add_argument("--show-errors", action="store_true", help="print every miss and false positive")
    parser.add_argument("--stock-presidio", action="store_true", help="score presidio's predefined recognizers")
    args = parser.parse_args(argv)

    if args.stock_presidio:
        detector = StockPresidio(args.min_score)
    else:
        from transforms.pii_detection.analyzer import PiiDetector

        defaults = PiiParams()
        detector = PiiDetector(entities=defaults.entities, secrets=False, min_score=args.min_score,
                               prefilter=defaults.prefilter, windows=defaults.windows)
    overall, tables, records, seconds = Tally(), [], 0, 0.0
    for argument in args.data:
        per_argument = Tally()
        for path, reader in data_files(argument):
            for text, gold in reader(path):
                started = time.perf_counter()
                spans = detector.detect(text).spans
                seconds += time.perf_counter() - started
                found = {(s.type, s.start, s.end) for s in spans}
                per_argument.add(gold, found)
                overall.add(gold, found)
                records += 1
                if args.show_errors:
                    show_errors(text, gold, found)
        tables.append((argument, per_argument))
    if not records:
        parser.error("no *.json, *.json.gz or *.txt file found in the given paths")

    print(f"{'stock presidio' if args.stock_presidio else 'stage pii'}, span level: {records} texts, min_score {args.min_score}, "
          f"{records / seconds:.0f} texts/s on one core")
    for argument, tally in tables:
        print()
        print(tally.table(argument))
    if len(tables) > 1:
        print()
        print(overall.table("all of the above"))


def show_errors(text, gold, found):
    for g in sorted(gold - found, key=lambda s: s[1]):
        kind = "inexact" if any(overlaps(g, f) for f in found) else "missed"
        print(f"{kind:>7} {g[0]:<14} {text[g[1]:g[2]]!r}   in {text!r}")
    for f in sorted(found - gold, key=lambda s: s[1]):
        if not any(overlaps(f, g) for g in gold):
            print(f"{'false':>7} {f[0]:<14} {text[f[1]:f[2]]!r}   in {text!r}")


if __name__ == "__main__":
    main()
