"""The benchmark registry and the n-gram index that stage `decontaminate` reads.

    registry.py   the registry: one YAML per benchmark in benchmarks/ (files, format, evaluation fields, licence)
    loader.py     iter_eval_texts(benchmark) -> (item_id, field, text), from the files in data/
    ngrams.py     words, n-gram keys and the n rule: the one definition shared by benchmarks and corpus
    build.py      build_index(benchmarks, output_path): the .npz index file and its layout
    index.py      BenchmarkIndex (load, default, collisions, describe) and Collision
    naive.py      the same match in plain Python, the reference the index is tested against
    cli.py        winnow benchmarks list | build-index | check

The one import from outside: fuzzy dedup's text normalisation and word hashing
(transforms/fuzzy/minhash.py: _normalized_bytes, _word_hashes, _combine, _mix64, _NGRAM_MULT,
normalize), reused so that a benchmark's words are exactly the words dedup sees.
"""
from benchmarks_ngrams.index import BenchmarkIndex, Collision, build_index  # noqa: F401
from benchmarks_ngrams.loader import iter_eval_texts  # noqa: F401
