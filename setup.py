"""winnow: an Apache Beam pipeline that curates LLM pre-training data.

setup.py (not only pyproject) because Dataflow ships a job's code with --setup_file.
"""
from setuptools import find_packages, setup

setup(
    name="winnow",
    version="0.1.0",
    description="Curate LLM pre-training data with Apache Beam: ingest, extract, filter, dedup, decontaminate, tokenize",
    python_requires=">=3.10",
    packages=find_packages(include=["pipeline", "pipeline.*", "transforms", "transforms.*",
                                    "classifiers", "classifiers.*", "benchmarks_ngrams", "benchmarks_ngrams.*"]),
    package_data={
        "pipeline": ["default_config.yaml", "mixtures/*.yaml", "sample/*", "sample/*/*"],
        "classifiers": ["models/*.ftz", "models/*.model", "models/*.json", "models/*.md",
                        "data/*.jsonl.gz", "data/*.md", "data/*.txt", "data/davidson/*",
                        "data/quality/*", "data/math/*.jsonl.gz", "data/math/*.md", "data/math/LICENSE-*"],
        "transforms.safety_rules": ["ldnoobw/*.txt", "ldnoobw/*.md"],
        "transforms.url_rules": ["lists/*.txt", "lists/*.gz", "lists/*.md"],
        "transforms.license_detection": ["data/*.txt", "data/*.md"],  # the 47 reference licence texts
        "transforms.math_rules": ["*.txt"],  # math_filter's tag and symbol lists
        # the registry, the benchmark test sets (one or two folder levels deep, gzipped or not) and
        # their licence texts; a built index is never shipped (it is built on first use)
        "benchmarks_ngrams": ["*.md", "benchmarks/*.yaml", "data/*.md", "data/LICENSES/*.txt",
                              "data/*/*.gz", "data/*/*/*.gz", "data/*/*.jsonl", "data/*/*/*.jsonl",
                              "data/*/*.json", "data/*/*/*.json", "data/*/*.csv", "data/*/*/*.csv",
                              "data/*/*.parquet", "data/*/*/*.parquet"],
    },
    install_requires=[
        "apache-beam>=2.60,<3",
        "pyarrow>=14,<26",  # follows Beam's own pin (Beam 2.77 needs <26)
        "datasketch>=1.6,<3",
        "trafilatura>=2.0,<3",
        "lxml_html_clean>=0.4",  # trafilatura imports lxml.html.clean, now a separate project
        "resiliparse>=0.14,<3",  # lexbor-based fast extraction path (transforms/extraction)
        "charset-normalizer>=3,<4",
        "fasttext-numpy2>=0.10,<0.11",  # the fastText build that predicts under numpy 2
        "presidio-analyzer>=2.2,<3",
        "spacy>=3.7,<4",  # presidio's NLP engine; a blank pipeline keeps it offline
        "phonenumbers>=8.13",  # imported by transforms/pii_detection (also a presidio dependency)
        "regex>=2023.0",
        "license-expression>=30.4,<31",  # SPDX licence expressions (nexB), for the license stage
        "tldextract>=5,<6",  # its bundled public-suffix list: email domains offline
        "sentencepiece>=0.2,<0.3",
        "warcio>=1.7,<2",
        "protego>=0.3,<1",
        "PyYAML>=6,<7",
        "zstandard>=0.22",  # .zst inputs through Beam's CompressionTypes.ZSTD
    ],
    # datasets: only to prove in the tests that Hugging Face `load_dataset("parquet")` opens the shards
    # apache-beam[gcp]: the tests translate the whole DAG with the DataflowRunner (dry run, no credentials)
    extras_require={"test": ["pytest>=8,<10", "datasets>=2.19", "apache-beam[gcp]>=2.60,<3"],
                    "gcp": ["apache-beam[gcp]>=2.60,<3"]},
    entry_points={"console_scripts": ["winnow=pipeline.cli:main"]},
)
