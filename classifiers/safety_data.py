"""Training and evaluation data of the safety classifier, all shipped in classifiers/data/.

- Davidson et al. (2017) hate/offensive tweets, their 80% "train" split (MIT): class 0 = hate,
  1 = offensive, 2 = neither. "unsafe" = hate or offensive.
- Clean web text: Common Crawl documents (Dolma's CCNet samples, Apache-2.0) and the article bodies
  of the Scrapinghub article-extraction benchmark (MIT), as negatives. Without them a model trained
  on tweets learns "tweet-like and not about birds" = offensive and flags most ordinary prose.

Both are split by a salted hash of the row's own id, so the held-back part is the same on every
machine, never depends on file order, and the evaluation commands can recompute it on copies of the
same data elsewhere. Nothing is ever trained on a held-back row.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import List, NamedTuple, Optional

DATA_PACKAGE = "classifiers"
DAVIDSON_FILE = "data/davidson/labeled_data_train80.csv.gz"
CLEAN_FILE = "data/clean_web_text.jsonl.gz"
HOLDOUT_SALT = "winnow-safety-holdout-v1"
DAVIDSON_TEST_SHARE = 0.2  # of the 19,825 rows: ~4,000 tweets never trained on
CLEAN_TEST_SHARE = 0.5  # of the 123 clean documents: half for the false-positive measurement

UNSAFE, SAFE = "unsafe", "safe"
DAVIDSON_CLASSES = {0: "hate", 1: "offensive", 2: "neither"}


class Example(NamedTuple):
    id: str
    text: str
    label: str  # UNSAFE or SAFE
    detail: str  # the finer class: hate, offensive, neither, or the clean dataset's name


def is_held_out(key: str, share: float) -> bool:
    """Deterministic test membership: the first bytes of a salted SHA-1 of the id, as a fraction."""
    digest = hashlib.sha1(f"{HOLDOUT_SALT}:{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _shipped(relative: str) -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(relative)))


def read_davidson(path: Optional[str] = None) -> List[Example]:
    """Every row of the Davidson CSV (default: the shipped train80 copy), with its id as a string."""
    path = Path(path) if path else _shipped(DAVIDSON_FILE)
    with gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz" else open(
        path, encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))
    examples = []
    for row in rows:
        row_id = row.get("") or row.get("Unnamed: 0")  # the original file's unnamed index column
        cls = int(row["class"])
        label = SAFE if cls == 2 else UNSAFE
        examples.append(Example(f"davidson:{row_id}", row["tweet"], label, DAVIDSON_CLASSES[cls]))
    return examples


def read_clean(path: Optional[str] = None) -> List[Example]:
    """The shipped clean web documents (one JSON object a line: id, dataset, text)."""
    path = Path(path) if path else _shipped(CLEAN_FILE)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Example(row["id"], row["text"], SAFE, row["dataset"]) for row in rows]


def davidson_split(examples: List[Example], test: bool) -> List[Example]:
    return [e for e in examples if is_held_out(e.id, DAVIDSON_TEST_SHARE) == test]


def clean_split(examples: List[Example], test: bool) -> List[Example]:
    return [e for e in examples if is_held_out(e.id, CLEAN_TEST_SHARE) == test]
