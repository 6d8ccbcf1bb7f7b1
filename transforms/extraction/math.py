"""Keep mathematics through extraction by rewriting it into TeX text before any extractor runs.

Extractors keep text and drop markup, so math survives only if it is text. Pages carry math as:
- TeX already in the text between `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]` (MathJax/KaTeX typeset it in the
  browser): kept as is, nothing to do;
- MathJax v2 `<script type="math/tex">` (dropped by every extractor, since it is a script);
- KaTeX's rendered spans, whose `<annotation encoding="application/x-tex">` holds the source, next to
  an HTML rendering that extracts as garbage (every glyph twice);
- MathML `<math>` (Wikipedia, MathJax MathML input, publishers): its `alttext` or TeX annotation
  when present, otherwise converted to TeX by `mathml_to_tex`;
- images of formulas whose `alt` is TeX (WordPress `img.latex`, Wikipedia's fallback images).
Each becomes a text node `$tex$` (inline) or `$$tex$$` (display) in place.
"""
from __future__ import annotations

import re
# A cheap test on the raw page: most pages have no math markup and skip the parse and tree walk.
# Plain substring tests: a case-insensitive regex over a 200 KB page costs more than the extraction.
MATH_MARKERS = ("<math", "<MATH", "math/tex", "katex", "latex", "mwe-math", "mjx-container")

_TEX_ANNOTATION = ("application/x-tex", "tex", "latex", "text/x-tex")


def has_math_markup(html: str) -> bool:
    """Whether any of MATH_MARKERS is in the page: four substring scans instead of seven, because
    three markers contain "math" (rare in pages: 57 of 697 real ones) and two contain "atex" (7 of
    697); identical answers, a third less time (profiled: 11% of extract's time went here)."""
    if "math" in html and ("<math" in html or "math/tex" in html or "mwe-math" in html):
        return True
    return ("atex" in html and ("katex" in html or "latex" in html)) or "<MATH" in html or "mjx-container" in html


def _local(tag) -> str:
    """Tag name without namespace ('{http://www.w3.org/1998/Math/MathML}mi' -> 'mi')."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def replace_with_text(element, text: str) -> None:
    """Replace `element` (and its subtree) by `text`, keeping the element's tail text."""
    parent = element.getparent()
    if parent is None:
        return
    joined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


def _delimit(tex: str, display: bool) -> str:
    tex = " ".join(tex.split())
    if display:
        return f"\n$${tex}$$\n"
    return f"${tex}$"


def _strip_display_wrapper(tex: str) -> str:
    """Wikipedia's alttext is '{\\displaystyle x^2}': the wrapper is rendering advice, not content."""
    tex = tex.strip()
    match = re.fullmatch(r"\{\\(?:displaystyle|textstyle)\s*(.*)\}", tex, re.S)
    return match.group(1).strip() if match else tex


# --- MathML -> TeX ---------------------------------------------------------------------------------

# Operators and identifiers whose Unicode form reads poorly in TeX-trained models.
_SYMBOLS = {
    "\u2212": "-", "\u00b1": "\\pm", "\u2213": "\\mp", "\u00d7": "\\times", "\u00f7": "\\div",
    "\u22c5": "\\cdot", "\u2260": "\\ne", "\u2264": "\\le", "\u2265": "\\ge", "\u2248": "\\approx",
    "\u2261": "\\equiv", "\u221e": "\\infty", "\u2192": "\\to", "\u2190": "\\leftarrow",
    "\u21d2": "\\Rightarrow", "\u21d4": "\\Leftrightarrow", "\u2208": "\\in", "\u2209": "\\notin",
    "\u2282": "\\subset", "\u2286": "\\subseteq", "\u222a": "\\cup", "\u2229": "\\cap",
    "\u2211": "\\sum", "\u220f": "\\prod", "\u222b": "\\int", "\u222e": "\\oint", "\u2202": "\\partial",
    "\u2207": "\\nabla", "\u2200": "\\forall", "\u2203": "\\exists", "\u00ac": "\\neg", "\u2227": "\\wedge",
    "\u2228": "\\vee", "\u2218": "\\circ", "\u2032": "'", "\u2026": "\\ldots", "\u22ef": "\\cdots",
    "\u2061": "", "\u2062": "", "\u2063": ",", "\u2064": "+", "\u00a0": " ",
    "\u03b1": "\\alpha", "\u03b2": "\\beta", "\u03b3": "\\gamma", "\u03b4": "\\delta",
    "\u03b5": "\\epsilon", "\u03f5": "\\epsilon", "\u03b6": "\\zeta", "\u03b7": "\\eta",
    "\u03b8": "\\theta", "\u03b9": "\\iota", "\u03ba": "\\kappa", "\u03bb": "\\lambda", "\u03bc": "\\mu",
    "\u03bd": "\\nu", "\u03be": "\\xi", "\u03c0": "\\pi", "\u03c1": "\\rho", "\u03c3": "\\sigma",
    "\u03c4": "\\tau", "\u03c5": "\\upsilon", "\u03c6": "\\phi", "\u03d5": "\\phi", "\u03c7": "\\chi",
    "\u03c8": "\\psi", "\u03c9": "\\omega", "\u0393": "\\Gamma", "\u0394": "\\Delta", "\u0398": "\\Theta",
    "\u039b": "\\Lambda", "\u039e": "\\Xi", "\u03a0": "\\Pi", "\u03a3": "\\Sigma", "\u03a6": "\\Phi",
    "\u03a8": "\\Psi", "\u03a9": "\\Omega",
}
_FUNCTIONS = {"sin", "cos", "tan", "log", "ln", "exp", "lim", "max", "min", "det", "sup", "inf", "sinh",
              "cosh", "tanh", "arcsin", "arccos", "arctan", "gcd", "deg", "dim", "ker", "mod"}


def _token(text: str) -> str:
    text = " ".join((text or "").split())
    if text in _FUNCTIONS:
        return "\\" + text
    out = []
    for char in text:
        symbol = _SYMBOLS.get(char)
        if symbol is None:
            out.append(char)
        elif symbol.startswith("\\") and symbol[-1].isalpha():
            out.append(symbol + " ")
        else:
            out.append(symbol)
    return "".join(out).strip() if len(text) > 1 else "".join(out)


def _group(tex: str) -> str:
    return tex if len(tex) == 1 else "{" + tex + "}"


def mathml_to_tex(element) -> str:
    """Convert a MathML element tree (lxml) to TeX. Covers presentation MathML as MathJax, Wikipedia
    and publishers emit it; an unknown element contributes its children, so nothing is silently lost."""
    name = _local(element.tag)
    kids = [child for child in element if isinstance(child.tag, str)]
    parts = [mathml_to_tex(child) for child in kids]

    if name in ("mi", "mn", "mo", "mtext", "ms"):
        tex = _token(element.text or "")
        if name == "mtext" and tex.strip():
            return "\\text{" + tex + "}"
        if name == "mi" and len(tex) > 1 and not tex.startswith("\\"):
            return "\\mathrm{" + tex + "}"
        return tex
    if name == "mspace":
        return " "
    if name == "semantics":
        return parts[0] if parts else ""
    if name in ("annotation", "annotation-xml", "none", "mprescripts"):
        return ""
    if name == "mfrac" and len(parts) == 2:
        return "\\frac{" + parts[0] + "}{" + parts[1] + "}"
    if name == "msqrt":
        return "\\sqrt{" + " ".join(parts) + "}"
    if name == "mroot" and len(parts) == 2:
        return "\\sqrt[" + parts[1] + "]{" + parts[0] + "}"
    if name == "msup" and len(parts) == 2:
        return _group(parts[0]) + "^" + _group(parts[1])
    if name == "msub" and len(parts) == 2:
        return _group(parts[0]) + "_" + _group(parts[1])
    if name == "msubsup" and len(parts) == 3:
        return _group(parts[0]) + "_" + _group(parts[1]) + "^" + _group(parts[2])
    if name == "munder" and len(parts) == 2:
        return _group(parts[0]) + "_" + _group(parts[1])
    if name == "mover" and len(parts) == 2:
        accents = {"^": "\\hat", "\u02c6": "\\hat", "\u00af": "\\bar", "\u2015": "\\bar",
                   "~": "\\tilde", "\u02dc": "\\tilde", "\u2192": "\\vec", "\u02d9": "\\dot", "\u00a8": "\\ddot"}
        raw = (kids[1].text or "").strip() if len(kids) == 2 else ""
        if raw in accents:
            return accents[raw] + "{" + parts[0] + "}"
        return _group(parts[0]) + "^" + _group(parts[1])
    if name == "munderover" and len(parts) == 3:
        return _group(parts[0]) + "_" + _group(parts[1]) + "^" + _group(parts[2])
    if name == "mfenced":
        open_, close = element.get("open", "("), element.get("close", ")")
        return "\\left" + open_ + ",".join(parts) + "\\right" + close
    if name == "mtable":
        return "\\begin{matrix}" + " \\\\ ".join(parts) + "\\end{matrix}"
    if name in ("mtr", "mlabeledtr"):
        return " & ".join(parts)
    if name == "menclose" and element.get("notation", "") == "radical":
        return "\\sqrt{" + " ".join(parts) + "}"
    # mrow, mstyle, mpadded, mphantom, merror, mtd, math, and anything unknown: the children in order.
    return " ".join(part for part in parts if part)


def _tex_from_math_element(element) -> str:
    alttext = element.get("alttext")
    if alttext and alttext.strip():
        return _strip_display_wrapper(alttext)
    for annotation in element.iter():
        if _local(annotation.tag) == "annotation" and (annotation.get("encoding") or "").lower() in _TEX_ANNOTATION:
            return _strip_display_wrapper(annotation.text or "")
    return mathml_to_tex(element)


def _is_display(element) -> bool:
    return element.get("display") == "block" or element.get("mode") == "display"


def rewrite_math(root) -> int:
    """Rewrite math in an lxml HTML tree into TeX text nodes, in place. Returns how many formulas
    were rewritten (recorded in the document's meta)."""
    count = 0
    # KaTeX first: its `.katex` span wraps a <math> and a duplicate HTML rendering; keep only the TeX.
    for span in root.xpath("//span[contains(concat(' ', normalize-space(@class), ' '), ' katex ')]"):
        math = next((el for el in span.iter() if _local(el.tag) == "math"), None)
        if math is None:
            continue
        display = span.getparent() is not None and "katex-display" in (span.getparent().get("class") or "")
        replace_with_text(span, _delimit(_tex_from_math_element(math), display))
        count += 1
    # MathJax v3/v4 rendered output keeps an assistive MathML copy: use it, drop the glyph soup.
    for container in root.xpath("//*[local-name()='mjx-container']"):
        math = next((el for el in container.iter() if _local(el.tag) == "math"), None)
        if math is not None:
            replace_with_text(container, _delimit(_tex_from_math_element(math), container.get("display") == "true"))
            count += 1
        else:
            replace_with_text(container, "")
    for script in root.xpath("//script[starts-with(@type, 'math/tex')]"):
        display = "mode=display" in script.get("type", "")
        replace_with_text(script, _delimit(script.text or "", display))
        count += 1
    # MathJax v2 previews and rendered spans duplicate the script's content as glyphs.
    for preview in root.xpath("//*[contains(@class, 'MathJax_Preview') or contains(@class, 'MathJax_Display')"
                              " or @class='MathJax' or contains(@class, 'MathJax_SVG')]"):
        replace_with_text(preview, "")
    for math in root.xpath("//*[local-name()='math']"):
        if math.getparent() is None:
            continue
        replace_with_text(math, _delimit(_tex_from_math_element(math), _is_display(math)))
        count += 1
    # Formula images: the alt text is the TeX source. Wikipedia's fallback image duplicates a <math>
    # already rewritten above, so it is dropped rather than kept twice.
    for image in root.xpath("//img[contains(@class, 'mwe-math-fallback-image')]"):
        replace_with_text(image, "")
    for image in root.xpath("//img[contains(concat(' ', normalize-space(@class), ' '), ' latex ')][@alt]"):
        replace_with_text(image, _delimit(image.get("alt"), False))
        count += 1
    return count

