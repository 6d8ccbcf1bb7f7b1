"""Tokenizer (SentencePiece BPE with the report's settings), training, shards and packing."""
import gzip
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from classifiers.model_files import shipped_model_path
from tests.conftest import SAMPLE, read_jsonl_gz
from transforms.shards import TokenRow, pack_sequences, parquet_bytes, shard_table
from transforms.tokenize import DEFAULT_TOKENIZER, EOS_ID, Tokenizer, TokenizerSettings, train_tokenizer, training_chunks


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(shipped_model_path(DEFAULT_TOKENIZER))


def _code_files():
    return [json.loads(line)["content"] for line in gzip.open(SAMPLE / "code" / "repo_files.jsonl.gz")]


def test_round_trip_is_exact_on_code_cjk_and_emoji(tokenizer, extracted_warc_pages):
    texts = _code_files() + [d.text for d in extracted_warc_pages]
    assert any("    " in t and "\t" in t for t in texts)  # indentation, tabs
    assert any("\u4e00" <= ch <= "\u9fff" for t in texts for ch in t)  # CJK
    for text, tokens in zip(texts, tokenizer.encode_batch(texts)):
        assert tokens[-1] == EOS_ID and tokens.dtype == np.uint32
        assert tokenizer.decode(tokens) == text


def test_digits_are_single_tokens(tokenizer):
    tokens = tokenizer.encode_batch(["In 2024 the crawl held 3141592 pages"])[0][:-1]
    pieces = [tokenizer.piece(t) for t in tokens]
    digits = [p for p in pieces if any(ch.isdigit() for ch in p)]
    assert digits == list("2024") + list("3141592")


def test_unseen_characters_fall_back_to_bytes(tokenizer):
    text = "hieroglyph 𓀀 and a bell \x07 and NUL \x00"
    tokens = tokenizer.encode_batch([text])[0]
    assert tokenizer.decode(tokens) == text
    pieces = [tokenizer.piece(t) for t in tokens]
    assert "<0xF0>" in pieces and "<unk>" not in pieces  # 𓀀 is F0 93 80 80 in UTF-8


def test_training_uses_the_reports_settings_and_is_deterministic(cc_documents):
    texts = [row["text"] for row in cc_documents]
    settings = TokenizerSettings(vocab_size=600, num_threads=1)
    first, second = train_tokenizer(texts, settings), train_tokenizer(texts, settings)
    assert first == second
    import sentencepiece as spm

    model = spm.SentencePieceProcessor(model_proto=first)
    assert (model.unk_id(), model.bos_id(), model.eos_id(), model.pad_id()) == (0, 1, 2, 3)
    assert model.decode(model.encode("  indented\n\tcode  ")) == "  indented\n\tcode  "
    assert settings.trainer_options()["normalization_rule_name"] == "identity"


def test_training_chunks_respect_the_limit_and_keep_every_character():
    text = "".join(_code_files()[:20])
    chunks = training_chunks(text, 2048)
    assert "".join(chunks) == text and max(len(c.encode()) for c in chunks) <= 2048


def test_packing_drops_or_pads_the_remainder():
    docs = [np.array([5, 6, EOS_ID], np.uint32), np.array([7, 8, 9, 10, EOS_ID], np.uint32)]  # 8 tokens
    sequences, dropped, padded = pack_sequences(docs, 3, "drop", pad_id=3)
    assert sequences.tolist() == [[5, 6, 2], [7, 8, 9]] and (dropped, padded) == (2, 0)
    sequences, dropped, padded = pack_sequences(docs, 3, "pad", pad_id=3)
    assert sequences[-1].tolist() == [10, 2, 3] and (dropped, padded) == (0, 1)


def test_shard_bytes_are_deterministic_and_open_with_pyarrow(tmp_path, tokenizer):
    texts = _code_files()[:5]
    rows = [TokenRow(i, f"id{i}", "code", "code", f"f{i}.c", "MIT", "{}", t.tobytes())
            for i, t in enumerate(tokenizer.encode_batch(texts))]
    data = parquet_bytes(shard_table(rows))
    assert data == parquet_bytes(shard_table(rows))
    path = tmp_path / "s.parquet"
    path.write_bytes(data)
    table = pq.read_table(path)
    assert table.column("id").to_pylist() == [f"id{i}" for i in range(5)]
    assert tokenizer.decode(table.column("tokens")[2].as_py()) == texts[2]
    assert table.schema.field("tokens").type.value_type.bit_width == 32


def test_tokenizer_train_command_writes_model_and_settings(tmp_path, capsys):
    from pipeline.cli import main
    from tests.conftest import DATA

    prefix = tmp_path / "tok"
    code = main(["tokenizer", "train", "--input", str(DATA / "web_text" / "*.jsonl.gz"),
                 "--input", str(DATA / "web_text" / "robots_with_comments.txt"),
                 "--vocab-size", "700", "--max-chunks", "8", "--output", str(prefix)])
    assert code == 0
    record = json.loads((tmp_path / "tok.settings.json").read_text())
    assert record["documents_read"] == 11 and record["chunks_sampled"] == 8  # 10 rows + 1 file, sampled down
    assert record["trainer_options"]["split_digits"] and record["trainer_options"]["byte_fallback"]
    tokenizer = Tokenizer(str(tmp_path / "tok.model"))
    assert tokenizer.vocab_size == record["vocab_size"] <= 700
    assert "training BPE" in capsys.readouterr().err
    assert main(["tokenizer", "train", "--input", str(tmp_path / "none*.txt"), "--output", str(prefix)]) == 2


def test_tokenizer_training_reports_merges_and_an_eta_from_sentencepieces_log(capfd):
    from pipeline.training_progress import eta_line, training_progress

    assert eta_line(12_000, 48_000, 40.0, 0) == "tokenizer: 12,000 of ~48,000 merges, 300 merges/s, ETA ~2m00s"
    texts = [chunk for row in read_jsonl_gz(SAMPLE / "cc_text" / "cc_en_head-0091.jsonl.gz")
             for chunk in training_chunks(row["text"], 8192)]
    with training_progress(2000, every=0.0):
        train_tokenizer(texts, TokenizerSettings(vocab_size=2000, num_threads=1), verbose=True)
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("tokenizer:")]
    assert lines and all(" of ~" in line for line in lines)  # SentencePiece's own log is not passed through
    assert "ETA" in lines[-1]
