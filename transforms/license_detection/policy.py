"""Which licences the `license` stage keeps: the allow-list and its check on an SPDX expression.

The default is the report's list (AFM, section 3.1: code from repositories under "MIT, Apache, BSD,
CC0, CC-BY, Unlicense, ISC, Artistic"), written as SPDX ids. Everything else is rejected: copyleft
(GPL, LGPL, AGPL, MPL, EPL, EUPL, CeCILL, OSL, MS-RL, CERN-OHL-S/W), share-alike (CC-BY-SA, ODbL,
GFDL), and also permissive licences the report does not name (Zlib, BSL-1.0, UPL-1.0, PostgreSQL,
NCSA, BlueOak-1.0.0, WTFPL, MulanPSL-2.0, MS-PL, AFL-3.0, ECL-2.0, CERN-OHL-P-2.0): they are as
permissive as MIT, but the recipe names its list; a config adds them by listing their ids.

is_allowed reads an expression the SPDX way:
  A OR B      allowed if either is: the recipient may choose
  A AND B     allowed only if both are: both apply
  A WITH E    as A: an exception only adds permissions (`Apache-2.0 WITH LLVM-exception` is kept,
              `GPL-2.0-only WITH Classpath-exception-2.0` is not)
  A-only, A-or-later, A+, deprecated A (`GPL-3.0`)   as A's licence and version: whoever may use
              "version 2 or later" may choose version 2, so the suffix never changes the answer, on
              either side (an allow-list entry `LGPL-2.1-or-later` also allows `LGPL-2.1-only`)
Ids compare case-insensitively (SPDX ids are case-insensitive). An unknown id, `LicenseRef-...`,
NOASSERTION, an invalid or empty expression: not allowed.
"""
from __future__ import annotations

import functools
from typing import FrozenSet, Iterable, Optional

from license_expression import ExpressionError, LicenseSymbol, LicenseWithExceptionSymbol

from transforms.license_detection.spdx import licensing

DEFAULT_ALLOWED: FrozenSet[str] = frozenset({
    # MIT
    "MIT",
    "MIT-0",                # MIT without its one condition (keep the notice): more permissive still
    # Apache
    "Apache-2.0",
    "Apache-1.1", "Apache-1.0",  # the earlier Apache licences: attribution only (1.0 also has
                                 # BSD-4-Clause's advertising clause, kept for the reason below)
    # BSD
    "0BSD",                 # "Zero Clause BSD": no condition at all
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",  # BSD-2-Clause plus an express patent grant: only adds permissions
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",   # BSD-3-Clause that states no patent licence is granted: the copyright
                            # terms, which using the code rests on, are BSD-3-Clause's
    "BSD-4-Clause",         # the original BSD licence: its fourth clause asks advertising that
                            # mentions the software to acknowledge it, an attribution duty that limits
                            # no use; the report's "BSD" covers it. A stricter config drops it (it is
                            # the one BSD licence the OSI never approved)
    # CC0, CC-BY (attribution only; CC-BY-SA, -NC and -ND are other licences, not allowed)
    "CC0-1.0",
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
    "Unlicense",
    "ISC",
    # Artistic: 2.0, and 1.0, which the report's "Artistic" also names (Perl's own code is
    # "Artistic-1.0-Perl OR GPL-1.0-or-later" and is kept through its Artistic branch)
    "Artistic-2.0", "Artistic-1.0", "Artistic-1.0-Perl",
})

_SUFFIXES = ("-or-later", "-only", "+")


def licence_base(spdx_id: str) -> str:
    """The licence and version an id names, without -only/-or-later/+, case-folded."""
    key = spdx_id.casefold()
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


@functools.lru_cache(maxsize=64)
def _bases(allowed: FrozenSet[str]) -> FrozenSet[str]:
    return frozenset(licence_base(spdx_id) for spdx_id in allowed)


def is_allowed(expression: Optional[str], allowed: Iterable[str] = DEFAULT_ALLOWED) -> bool:
    """Whether code under `expression` (an SPDX licence expression) may be kept (module docstring)."""
    if not expression:
        return False
    parser = licensing()
    try:
        parsed = parser.parse(expression, validate=False)
    except ExpressionError:
        return False
    bases = _bases(allowed if isinstance(allowed, frozenset) else frozenset(allowed))

    def satisfied(node) -> bool:
        if isinstance(node, LicenseWithExceptionSymbol):
            return licence_base(node.license_symbol.key) in bases
        if isinstance(node, LicenseSymbol):
            return licence_base(node.key) in bases
        if isinstance(node, parser.OR):
            return any(satisfied(arg) for arg in node.args)
        if isinstance(node, parser.AND):
            return all(satisfied(arg) for arg in node.args)
        return False

    return parsed is not None and satisfied(parsed)
