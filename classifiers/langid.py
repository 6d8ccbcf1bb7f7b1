"""Language identification with fastText's lid.176 model (176 languages), shipped in the package.

The model file comes from the fastText authors (CC-BY-SA-3.0); see classifiers/models/SOURCES.md.
"""
from __future__ import annotations

from typing import Optional, Tuple

from classifiers.model_files import local_model_path, shipped_model_path

DEFAULT_MODEL = "lid.176.ftz"
_LABEL_PREFIX = "__label__"


def load_fasttext(path: str):
    """Load a fastText model quietly (fastText prints a warning on every load_model)."""
    import fasttext

    fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext.load_model(local_model_path(path))


class LanguageIdentifier:
    """`identify(text) -> (iso code, confidence)` with the fastText lid.176 model or a user's."""

    def __init__(self, model_path: Optional[str] = None, max_chars: int = 10_000):
        self.model_path = model_path or shipped_model_path(DEFAULT_MODEL)
        self.max_chars = max_chars
        self._model = load_fasttext(self.model_path)

    def identify(self, text: str) -> Tuple[str, float]:
        # fastText predicts on one line; long documents are cut because the language of the first
        # 10k characters is the language of the page in practice, and prediction cost is linear.
        line = " ".join(text[: self.max_chars].split())
        if not line:
            return "und", 0.0
        labels, probabilities = self._model.predict(line, k=1)
        return labels[0][len(_LABEL_PREFIX):], min(float(probabilities[0]), 1.0)
