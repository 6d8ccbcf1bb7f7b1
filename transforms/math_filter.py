"""Stage `math_filter`: the AFM report's math filters for the math source, each naming itself.

In order (transforms/math_rules/filters.py for the first three, classifiers/math.py for the model):
  domain filter   pages of an always-math domain are kept on that alone; with
                  require_math_domain, pages of domains on neither list: domain_not_allowed
  tag filter      MathJax/KaTeX/MathML template strings in the raw HTML (tags.txt, ~50)
  symbol filter   formulas, LaTeX commands and Unicode math symbols per word of text (symbols.txt)
                  a page neither keeps: no_math_markup (nothing at all) or low_math_symbol_density
  math model      fastText P(math) of the text (scored always, into scores.math_filter.model_score);
                  with model_min_score set, pages below it: math_model_low_score
Every filter's measurement is kept; `math_rule` says which filter kept the page.

The tag filter needs the page's HTML, which `extract` drops: for sources that run this stage the
config makes `extract` keep it (extract.keep_html), and this stage drops it from every page it keeps.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from transforms.document import Document
from transforms.math_rules.filters import MathRuleParams, build_rules
from transforms.params import param
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class MathFilterParams(MathRuleParams):
    model: bool = param(True, help="score every page with the math fastText model")
    model_path: Optional[str] = param(None, help="null: the shipped classifiers/models/math-web.ftz")
    model_label: str = param("math", help="the model's math label (without __label__)")
    model_min_score: Optional[float] = param(
        None, ge=0.0, le=1.0, help="pages scoring below it are rejected (math_model_low_score); null: score only")


def _rule_params(params: MathFilterParams) -> MathRuleParams:
    return MathRuleParams(**{f.name: getattr(params, f.name) for f in dataclasses.fields(MathRuleParams)})


class MathFilter(Stage):
    name = "math_filter"
    Params = MathFilterParams

    def setup(self):
        self._rules = build_rules(_rule_params(self.params))
        self._model = None
        if self.params.model:
            from classifiers.math import MathModel

            self._model = MathModel(self.params.model_path, label=self.params.model_label)

    def judge(self, doc: Document) -> Verdict:
        url = doc.meta.get("url") or doc.origin
        reason, measured = self._rules.judge(doc.text, html=doc.html, url=url)
        if reason is not None:
            return Verdict.reject(reason, **measured)
        if self._model is not None:
            measured["model_score"] = round(self._model.score(doc.text), 6)
            minimum = self.params.model_min_score
            if minimum is not None and measured["model_score"] < minimum:
                return Verdict.reject("math_model_low_score", **measured)
        kept = dataclasses.replace(doc, html=None) if doc.html is not None else doc
        return Verdict.keep(kept, **measured)
