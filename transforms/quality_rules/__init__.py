"""Pure logic of the `quality` stage's heuristic rules: functions on text, no Beam.

transforms/quality.py holds the parameters and the thin stage on top.

    text        DocumentText: one document's lines and words, split once and shared by every family
    stop_words  the stop-word list of a language (Gopher's 8 English words, spaCy's lists otherwise)
    gopher      Gopher quality and repetition rules (Rae et al. 2021, appendix A)
    c4          C4's rules (Raffel et al. 2020) as document-level measurements with thresholds
    fineweb     FineWeb's quality rules (Penedo et al. 2024, datatrove's FineWebQualityFilter)

Every family is a function `(text or DocumentText, params) -> (reason or None, measurements)`;
a reason names the first rule that failed, the measurements are every value the family computed.
"""
