#!/usr/bin/env python3
"""Throughput of stage `safety` per core: the word rule alone, the model alone, and both (default).

    python perf/safety_throughput.py [--rounds 3]

Three document sets, all shipped in the repository: the bundled sample after extract and langid
(what reaches the stage in `winnow run`), the clean web documents of classifiers/data (long pages:
articles and Common Crawl text), and the held-back Davidson tweets (very short documents). Each rate
is the best of `rounds` passes of `Safety.judge` over the set, one thread, no Beam. Baseline in
the same run: C4's check (lower-case, split on whitespace, intersect with the English list), the
floor for any word-list rule.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.safety_data import davidson_split, read_clean, read_davidson  # noqa: E402
from transforms.document import Document  # noqa: E402
from transforms.safety import Safety, SafetyParams  # noqa: E402
from transforms.safety_rules.wordlists import load_wordlist  # noqa: E402
from timing import best_rate  # noqa: E402


def sample_after_langid():
    sys.path.insert(0, str(ROOT / "perf"))
    from stage_throughput import sample_documents  # the same documents perf/stage_throughput.py times

    from transforms.extract import Extract
    from transforms.langid import LanguageId

    extract, langid = Extract(), LanguageId()
    extract.setup()
    langid.setup()
    docs = [v.document for v in map(extract.judge, sample_documents()) if v.kept]
    return [v.document for v in map(langid.judge, docs) if v.kept]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    sets = {
        "bundled sample (after langid)": sample_after_langid(),
        "clean web documents": [Document(e.id, "clean", "public", e.id, text=e.text, meta={"language": "en"})
                                for e in read_clean()],
        "held-back tweets": [Document(e.id, "tweets", "public", e.id, text=e.text)
                             for e in davidson_split(read_davidson(), test=True)],
    }
    configs = {
        "word rule alone": dict(model=False),
        "model alone": dict(profanity=False),
        "both (default)": {},
    }
    stages = {}
    for name, overrides in configs.items():
        stages[name] = Safety(SafetyParams(**overrides))
        stages[name].setup()
    for stage in stages.values():  # build every matcher once before timing (done once per worker in a run)
        for docs in sets.values():
            for doc in docs[:50]:
                stage.judge(doc)
    english = frozenset(w.lower() for w in load_wordlist("en"))

    def c4(doc):
        return bool(english.intersection(doc.text.lower().split()))

    print(f"{'documents':<32}{'docs':>6}{'KB/doc':>8}  " + "".join(f"{c:>17}" for c in [*configs, "C4 baseline"]))
    for set_name, docs in sets.items():
        kb = sum(len(d.text.encode("utf-8")) for d in docs) / len(docs) / 1024
        rates = [best_rate(stage.judge, docs, args.rounds) for stage in stages.values()]
        rates.append(best_rate(c4, docs, args.rounds))
        print(f"{set_name:<32}{len(docs):>6}{kb:>8.1f}  " + "".join(f"{r:>12,.0f} d/s" for r in rates))
    print("\n(docs/s on one core, best of", args.rounds, "rounds; the model judges English documents only by default)")


if __name__ == "__main__":
    main()
