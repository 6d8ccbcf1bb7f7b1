"""Stage `tokenize`: SentencePiece BPE as in the AFM report, documents encoded in batches, EOS appended.

The tokenizer's settings follow the report: BPE, numbers split into single digits, byte fallback for
anything outside the vocabulary, no Unicode normalisation, whitespace kept exactly (so code
indentation and every document decode back byte for byte), BOS/EOS/PAD declared. Training lives in
`train_tokenizer` (pure: texts in, model bytes out); `winnow tokenizer train` drives it.
"""
from __future__ import annotations

import dataclasses
import io
from typing import Iterable, List, Optional, Sequence

import numpy as np

from transforms.params import param

DEFAULT_TOKENIZER = "winnow-sample-bpe.model"  # shipped in classifiers/models/, see its .settings.json
UNK_ID, BOS_ID, EOS_ID, PAD_ID = 0, 1, 2, 3
# Newline and tab as whole pieces: without them every line break of every document would cost a
# byte-fallback token.
USER_SYMBOLS = ("\n", "\t")


@dataclasses.dataclass(frozen=True)
class TokenizerSettings:
    """How a tokenizer is trained; the defaults are the report's choices."""

    vocab_size: int = 49152  # the report's on-device model; its server model uses 100352
    character_coverage: float = 0.9995
    max_piece_length: int = 16
    seed_sentencepiece_size: int = 1_000_000
    num_threads: int = 2

    def trainer_options(self) -> dict:
        return {
            "model_type": "bpe",
            "vocab_size": self.vocab_size,
            "split_digits": True,
            "byte_fallback": True,
            "normalization_rule_name": "identity",
            "remove_extra_whitespaces": False,
            "add_dummy_prefix": False,
            "allow_whitespace_only_pieces": True,
            "split_by_whitespace": True,
            "unk_id": UNK_ID,
            "bos_id": BOS_ID,
            "eos_id": EOS_ID,
            "pad_id": PAD_ID,
            "unk_piece": "<unk>",
            "bos_piece": "<s>",
            "eos_piece": "</s>",
            "pad_piece": "<pad>",
            "user_defined_symbols": list(USER_SYMBOLS),
            "character_coverage": self.character_coverage,
            "max_sentencepiece_length": self.max_piece_length,
            "max_sentence_length": 1 << 16,
            "seed_sentencepiece_size": self.seed_sentencepiece_size,
            "hard_vocab_limit": False,  # a small corpus may not support the full size: stop early
            "num_threads": self.num_threads,
        }


def train_tokenizer(texts: Iterable[str], settings: TokenizerSettings, verbose: bool = False) -> bytes:
    """Train a BPE model on `texts` (each at most 64 KiB: see `training_chunks`); returns model bytes."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, minloglevel=0 if verbose else 2,
        **settings.trainer_options(),
    )
    return model.getvalue()


def training_chunks(text: str, max_bytes: int = 1 << 15) -> List[str]:
    """Cut a document at line breaks into pieces SentencePiece accepts (it skips longer sentences)."""
    if len(text.encode("utf-8")) <= max_bytes:
        return [text] if text else []
    chunks, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        length = len(line.encode("utf-8"))
        if current and size + length > max_bytes:
            chunks.append("".join(current))
            current, size = [], 0
        if length > max_bytes:  # one enormous line (minified code): cut by characters
            step = max_bytes // 4
            chunks.extend(line[i : i + step] for i in range(0, len(line), step))
            continue
        current.append(line)
        size += length
    if current:
        chunks.append("".join(current))
    return chunks


class Tokenizer:
    """A loaded SentencePiece model: batch encoding to uint32 arrays with EOS appended."""

    def __init__(self, model_path: str, num_threads: int = 1):
        import sentencepiece as spm

        self.model_path = model_path
        self.num_threads = num_threads
        self._sp = spm.SentencePieceProcessor(model_file=model_path)
        if self._sp.eos_id() < 0:
            raise ValueError(f"tokenizer {model_path} declares no EOS token")
        self.eos_id = self._sp.eos_id()
        self.pad_id = self._sp.pad_id()
        self.vocab_size = self._sp.vocab_size()

    def encode_batch(self, texts: Sequence[str]) -> List[np.ndarray]:
        encoded = self._sp.encode(list(texts), add_eos=True, num_threads=self.num_threads)
        return [np.asarray(ids, dtype=np.uint32) for ids in encoded]

    def decode(self, tokens: Sequence[int]) -> str:
        ids = [int(t) for t in tokens if int(t) != self.eos_id]
        return self._sp.decode(ids)

    def piece(self, token: int) -> str:
        return self._sp.id_to_piece(int(token))


@dataclasses.dataclass(frozen=True)
class TokenizeParams:
    model_path: Optional[str] = param(None, help="a SentencePiece model; default: the shipped sample tokenizer")
    batch_size: int = param(256, ge=1, help="documents encoded per call")
    shard_tokens: int = param(50_000_000, ge=1, help="target tokens per Parquet shard")
    shuffle_seed: int = param(0, ge=0, help="seed of the hash that orders documents in shards")
    pack_sequence_length: Optional[int] = param(None, ge=16, help="also write fixed-length sequences (e.g. 4096)")
    pack_remainder: str = param("drop", choices=("drop", "pad"), help="what to do with a shard's last partial sequence")


def tokenizer_model_path(params: TokenizeParams) -> str:
    """The model a run tokenizes with: the configured one, or the one shipped in the package."""
    if params.model_path:
        return params.model_path
    from classifiers.model_files import shipped_model_path

    return shipped_model_path(DEFAULT_TOKENIZER)
