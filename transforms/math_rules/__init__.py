"""Pure logic of the `math_filter` stage and of math Q&A extraction: functions on text and HTML, no Beam
(only user list files are read through Beam's FileSystems).

AFM 3.1 builds its math web set with "a math tag filter (about 40 template strings), a math symbol
filter (about 350 Unicode and LaTeX symbols), a math quality classifier and a domain filter", and
cuts Q&A pages "into question and answer by their HTML tags". Here:

    tags.txt     49 strings that mark a math template in raw HTML (MathJax, KaTeX, MathML, TeX,
                 Stack Exchange/Wikipedia/pandoc/Sphinx math markup, formula images, TeX BBCode)
    symbols.txt  341 symbols: 163 Unicode math characters and Greek letters, 178 LaTeX commands
    filters      the tag and symbol filters and the rule combining them with the domain filter:
                 `build_rules(MathRuleParams) -> MathRules`, then
                 `MathRules.judge(text, html=None, url=None, found_tags=None) -> (reason or None, measurements)`
    domains      the domain filter: curated math domains (always-math and allowed), subdomains included
    qa           Stack Exchange question pages -> "Question: … Answer: …" documents, TeX kept:
                 `QAExtractor(QAParams).extract(html, url) -> QAPage | None`, `QAPage.text`

The math classifier is classifiers/math*.py, outside this package.
"""
