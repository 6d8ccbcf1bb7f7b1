"""`SPDX-License-Identifier:` headers in source files, and SPDX licence expressions.

A file declares its licence with one line near its top (SPDX spec, annex "Using SPDX short
identifiers in source files"; REUSE): `SPDX-License-Identifier: <expression>`, inside whatever comment
syntax the language has (`#`, `//`, `/* */`, `--`, `<!-- -->`, `;`, `%`, `{- -}`, `(* *)` ...) or
alone on a line of a block comment. Only the first HEADER_LINES lines are read, and the tag must open
its line (after a comment marker): a file that merely *mentions* the tag (documentation, a test of
this module, a string in code) is not a declaration.

Expressions are parsed with nexB's license-expression (`get_spdx_licensing`), which carries the SPDX
licence list: it checks the syntax (`MIT OR Apache-2.0`, `(MIT AND BSD-3-Clause) OR GPL-2.0-only`,
`GPL-2.0-only WITH Classpath-exception-2.0`), normalises case (`mit` -> `MIT`) and rewrites deprecated
ids the way SPDX defines them (`GPL-3.0` -> `GPL-3.0-only`, `GPL-2.0+` -> `GPL-2.0-or-later`).
"""
from __future__ import annotations

import functools
import re
from typing import List, Optional

from license_expression import ExpressionError, Licensing, get_spdx_licensing

HEADER_LINES = 40

# the tag at the start of a line, after an optional comment opener or block-comment continuation
_TAG = re.compile(
    r"^[ \t]*(?:#+!?|//+!?|/\*+!?|\*+|--+|<!--|;+|%+|'|\"\"\"|'''|\{-|\(\*|\{\{!--|@|rem\b|::|\.\.)?[ \t]*"
    r"SPDX-License-Identifier[ \t]*:[ \t]*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
# a comment closer after the expression, and the rest of the line with it
_CLOSER = re.compile(r"""\s*(?:\*/|-->|--\}\}|-\}|\*\)|\"\"\"|'''|#\}|%\}|\]\]).*$""")


@functools.lru_cache(maxsize=1)
def licensing() -> Licensing:
    """The SPDX-aware parser, built once per process (about 40 ms)."""
    return get_spdx_licensing()


def _head(text: str, lines: int) -> str:
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end]


def spdx_identifiers(text: str, header_lines: int = HEADER_LINES) -> List[str]:
    """The expressions of the `SPDX-License-Identifier:` lines in the first `header_lines` lines, as
    written (comment closers removed), each once, in order."""
    head = _head(text, header_lines)
    if "spdx-license-identifier" not in head.lower():
        return []
    found: List[str] = []
    for tag in _TAG.finditer(head):
        expression = _CLOSER.sub("", tag.group(1)).strip()
        if expression and expression not in found:
            found.append(expression)
    return found


def canonical_expression(expression: str) -> Optional[str]:
    """The expression in SPDX's canonical spelling, or None when it is not a valid expression
    (`MIT/Apache-2.0`, `MIT AND`, empty). Unknown ids (`LicenseRef-...`, typos) are kept as written:
    the policy allows only the ids it lists."""
    try:
        parsed = licensing().parse(expression, validate=False)
    except ExpressionError:
        return None
    if parsed is None or any(" " in key for key in licensing().license_keys(parsed)):
        return None  # the parser reads "MIT Apache-2.0 foo" as one id with spaces; SPDX ids have none
    return str(parsed)
