"""Stage `license`, pure logic: licence files, SPDX headers, a repository's licence, the allow-list.

Real inputs: the 47 licence texts shipped in transforms/license_detection/data (choosealicense.com,
each written out as a LICENSE file the way GitHub's licence picker writes it: the front matter off,
[year] and [fullname] filled in) and the files of 6 real repositories
(tests/data/code/permissive_and_gpl_repo_files.jsonl.gz: 5 permissive, ranger/ranger GPL-3.0). The
variations (re-wrapped, CRLF, a copyright line, Markdown, a preamble or a trailing paragraph) are made
here from those texts, each where it is used.
"""
import re
import textwrap
from collections import defaultdict
from importlib import resources

import pytest

from tests.conftest import DATA, read_jsonl_gz
from transforms.license_detection import matcher
from transforms.license_detection import (
    DEFAULT_ALLOWED, canonical_expression, detect_license_text, detect_repo_license, is_allowed,
    is_license_file, is_root_license_file, spdx_identifiers,
)
from transforms.license_detection.references import (
    NOTICES, load_references, notice_text, reported_id, split_front_matter,
)

LICENSES = resources.files("transforms.license_detection").joinpath("data")
STEMS = sorted(entry.name[:-4] for entry in LICENSES.iterdir() if entry.name.endswith(".txt"))
PICKER_FIELDS = {"[year]": "2024", "[fullname]": "Jane Doe", "[project]": "widget",
                 "[email]": "jane@example.org", "[projecturl]": "https://example.org/widget"}
PERMISSIVE_REPOS = ("pallets/itsdangerous", "benhoyt/inih", "google/python-fire",
                    "sindresorhus/slugify", "kennethreitz/records")


def source_id(stem):
    return split_front_matter(LICENSES.joinpath(f"{stem}.txt").read_text(encoding="utf-8"))[0]


def license_file(stem, fields=PICKER_FIELDS):
    """The licence as a LICENSE file: text after the front matter, template fields filled in."""
    text = split_front_matter(LICENSES.joinpath(f"{stem}.txt").read_text(encoding="utf-8"))[1]
    for field, value in fields.items():
        text = text.replace(field, value)
    return text


def rewrap(text, width):
    """Every paragraph re-filled to `width` columns (line breaks and indentation lost)."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in re.split(r"\n\s*\n", text))


def as_markdown(text):
    """A licence file as people format it in LICENSE.md: a heading, bold terms, "-" bullets, a rule."""
    first, rest = text.strip().split("\n", 1)
    rest = re.sub(r"(?m)^(\s*)\d+\.", r"\1-", rest)
    rest = re.sub(r'"([^"\n]{2,30})"', r"**\1**", rest)
    return f"# {first}\n{rest}\n\n---\n"


@pytest.fixture(scope="module")
def repos():
    """{repo: ({path: text}, repo_license_spdx)} of the 6 real repositories."""
    files, expected = defaultdict(dict), {}
    for row in read_jsonl_gz(DATA / "code" / "permissive_and_gpl_repo_files.jsonl.gz"):
        files[row["repo"]][row["path"]] = row["content"]
        expected[row["repo"]] = row["repo_license_spdx"]
    return {repo: (files[repo], expected[repo]) for repo in files}


@pytest.fixture(scope="module")
def rows():
    return read_jsonl_gz(DATA / "code" / "permissive_and_gpl_repo_files.jsonl.gz")


# ---------------------------------------------------------------- the 47 reference texts


def test_the_shipped_references_are_the_47_choosealicense_licences():
    ids = [source_id(stem) for stem in STEMS]
    assert len(STEMS) == 47 and len(set(ids)) == 47
    assert {"MIT", "Apache-2.0", "GPL-3.0", "BSD-3-Clause", "CC0-1.0", "Unlicense"} <= set(ids)
    assert (LICENSES / "SOURCES.md").is_file() and (LICENSES / "_REPO_LICENSE_MIT.md").is_file()
    texts = [r for r in load_references() if r.kind == "text"]
    notices = [r for r in load_references() if r.kind == "notice"]
    assert len(texts) == 47 and {r.source_id for r in notices} == set(NOTICES)


@pytest.mark.parametrize("stem", STEMS)
def test_each_reference_as_a_license_file_is_detected_as_itself(stem):
    found = detect_license_text(license_file(stem))
    assert found.spdx_id == reported_id(source_id(stem))
    assert found.method == "text" and found.score >= 0.9 and found.also == ()


def test_gnu_texts_are_reported_or_later_and_other_ids_as_written():
    assert reported_id("GPL-3.0") == "GPL-3.0-or-later"
    assert reported_id("AGPL-3.0") == "AGPL-3.0-or-later"
    assert reported_id("LGPL-2.1") == "LGPL-2.1-or-later"
    assert reported_id("MIT") == "MIT" and reported_id("BSD-3-Clause-Clear") == "BSD-3-Clause-Clear"


@pytest.mark.parametrize("licence, variant", [
    ("mit", "mit-0"), ("bsd-2-clause", "bsd-3-clause"), ("bsd-3-clause", "bsd-3-clause-clear"),
    ("bsd-4-clause", "bsd-3-clause"), ("bsd-2-clause-patent", "bsd-2-clause"), ("0bsd", "isc"),
    ("gpl-3.0", "agpl-3.0"), ("gpl-2.0", "gpl-3.0"), ("lgpl-2.1", "gpl-2.0"),
    ("cc-by-4.0", "cc-by-sa-4.0"), ("eupl-1.1", "eupl-1.2"), ("cern-ohl-s-2.0", "cern-ohl-w-2.0"),
    ("apache-2.0", "ecl-2.0"), ("afl-3.0", "osl-3.0"), ("ms-pl", "ms-rl"),
])
def test_close_variants_are_told_apart_both_ways(licence, variant):
    runners_up = []
    for this, other in ((licence, variant), (variant, licence)):
        found = detect_license_text(rewrap(license_file(this), 66))
        assert found.spdx_id == reported_id(source_id(this))
        runners_up.append(found.runner_up in (source_id(other), reported_id(source_id(other))))
    assert any(runners_up)  # they are each other's closest rival, at least one way


# ---------------------------------------------------------------- the 6 real repositories


def test_each_real_repository_gets_its_licence(repos):
    for repo, (files, expected) in repos.items():
        assert detect_repo_license(files).expression == expected, repo


def test_the_permissive_repositories_are_kept_and_ranger_rejected_naming_gpl(repos):
    for repo in PERMISSIVE_REPOS:
        assert is_allowed(detect_repo_license(repos[repo][0]).expression), repo
    ranger = detect_repo_license(repos["ranger/ranger"][0])
    assert ranger.expression == "GPL-3.0-or-later" and not is_allowed(ranger.expression)
    assert ranger.source == "license_file"
    assert [(e.path, e.method) for e in ranger.evidence if e.spdx_id] == [("LICENSE", "text")]


def test_the_evidence_names_the_file_and_how_it_matched(repos):
    fire = detect_repo_license(repos["google/python-fire"][0])
    assert [(e.path, e.spdx_id, e.method) for e in fire.evidence] == [("LICENSE", "Apache-2.0", "notice")]
    inih = detect_repo_license(repos["benhoyt/inih"][0])
    assert [(e.path, e.method) for e in inih.evidence] == [("LICENSE.txt", "text")]
    assert 0.9 <= inih.evidence[0].score < 1.0  # "Ben Hoyt" where the template says "copyright holder"


def test_the_real_licence_files_are_found_by_name(rows):
    for row in rows:
        if row["path"] in ("LICENSE", "LICENSE.txt", "license"):
            assert is_root_license_file(row["path"])
    assert is_license_file("docs/license.rst") and not is_root_license_file("docs/license.rst")
    names = ["LICENCE", "COPYING", "COPYING.LESSER", "UNLICENSE", "LICENSE.md", "license.txt",
             "LICENSE-MIT", "LICENSE.APACHE2", "MIT-LICENSE.txt", "Copying.rst"]
    assert all(is_root_license_file(name) for name in names)
    assert not any(is_license_file(n) for n in ["license.py", "licenses.json", "src/license_test.go",
                                                "README.md", "licensee.rb", "LICENSING.md"])


def test_a_repository_without_licence_file_falls_back_to_spdx_headers(repos):
    inih = {p: t for p, t in repos["benhoyt/inih"][0].items() if p != "LICENSE.txt"}
    found = detect_repo_license(inih)
    assert (found.expression, found.source) == ("BSD-3-Clause", "spdx_header")
    assert {e.path for e in found.evidence} == {"cpp/INIReader.cpp"} and found.evidence[0].files == 4


def test_docs_license_rst_is_no_root_licence_and_tells_nothing_here(repos):
    # itsdangerous's docs/license.rst only includes ../LICENSE.txt: without the root file, nothing
    itsdangerous = {p: t for p, t in repos["pallets/itsdangerous"][0].items() if p != "LICENSE.txt"}
    found = detect_repo_license(itsdangerous)
    assert found.expression is None and found.source == "none" and not is_allowed(found.expression)
    assert [(e.path, e.spdx_id) for e in found.evidence] == [("docs/license.rst", None)]


def test_a_licence_file_in_docs_is_the_fallback(repos):
    files = {p: t for p, t in repos["pallets/itsdangerous"][0].items() if p != "LICENSE.txt"}
    files["docs/LICENSE.rst"] = repos["pallets/itsdangerous"][0]["LICENSE.txt"]
    found = detect_repo_license(files)
    assert (found.expression, found.source) == ("BSD-3-Clause", "other_license_file")


def test_vendored_licences_are_not_the_repositorys(repos):
    files = {p: t for p, t in repos["pallets/itsdangerous"][0].items() if p != "LICENSE.txt"}
    files["node_modules/left-pad/LICENSE"] = license_file("wtfpl")
    files["third_party/x/COPYING"] = repos["ranger/ranger"][0]["LICENSE"]
    assert detect_repo_license(files).expression is None


def test_two_licence_files_are_joined_with_and(repos):
    files = dict(repos["sindresorhus/slugify"][0])
    files["LICENSE-APACHE"] = license_file("apache-2.0")
    found = detect_repo_license(files)
    assert found.expression == "Apache-2.0 AND MIT" and is_allowed(found.expression)
    files["COPYING"] = repos["ranger/ranger"][0]["LICENSE"]
    assert not is_allowed(detect_repo_license(files).expression)


def test_an_unknown_root_file_beside_a_known_one_decides_nothing(repos):
    files = dict(repos["kennethreitz/records"][0])
    files["COPYING.md"] = repos["ranger/ranger"][0]["README.md"]
    found = detect_repo_license(files)
    assert found.expression == "ISC"
    assert ("COPYING.md", None) in [(e.path, e.spdx_id) for e in found.evidence]


def test_spdx_headers_decide_only_or_later_for_a_gnu_text(repos):
    files = dict(repos["ranger/ranger"][0])
    files["ranger/__init__.py"] = "# SPDX-License-Identifier: GPL-3.0-only\n" + files["ranger/__init__.py"]
    found = detect_repo_license(files)
    assert found.expression == "GPL-3.0-only"
    assert any(e.method == "spdx_header" and e.spdx_id == "GPL-3.0-only" for e in found.evidence)


# ---------------------------------------------------------------- robustness on real variations


def real_licence_files(repos):
    """(name, text, id) of the real repositories' root licence files."""
    picked = {"pallets/itsdangerous": "LICENSE.txt", "benhoyt/inih": "LICENSE.txt",
              "google/python-fire": "LICENSE", "ranger/ranger": "LICENSE",
              "sindresorhus/slugify": "license", "kennethreitz/records": "LICENSE"}
    return [(repo, repos[repo][0][path], repos[repo][1]) for repo, path in picked.items()]


VARIATIONS = {
    "rewrapped to 40 columns": lambda t: rewrap(t, 40),
    "rewrapped to 120 columns": lambda t: rewrap(t, 120),
    "windows line endings": lambda t: t.replace("\n", "\r\n"),
    "a copyright line added": lambda t: "Copyright (c) 2015 Foo Bar <foo@example.com>\nAll rights reserved.\n\n" + t,
    "markdown": as_markdown,
    "a preamble": lambda t: "The widget library is distributed under the following license:\n\n" + t,
    "a trailing paragraph": lambda t: t + "\n\nThis license applies to every file in this repository "
                                          "except those under vendor/, which keep their own licenses.\n",
    "typographic quotes and dashes": lambda t: t.replace('"', "\u201c").replace(" - ", " \u2014 "),
}


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_real_licence_files_survive_real_variations(repos, variation):
    for repo, text, expected in real_licence_files(repos):
        assert detect_license_text(VARIATIONS[variation](text)).spdx_id == expected, repo


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_every_reference_survives_each_variation(variation):
    wrong = [stem for stem in STEMS
             if detect_license_text(VARIATIONS[variation](license_file(stem))).spdx_id != reported_id(source_id(stem))]
    assert wrong == []


def test_copyright_lines_are_not_part_of_the_licence(repos):
    # slugify's and records' files put "Copyright (c) <name>" between the title and the terms, inside
    # the licence's span: it is dropped, as the SPDX guidelines say, so they match exactly
    assert detect_license_text(repos["sindresorhus/slugify"][0]["license"]).score == 1.0
    assert detect_license_text(repos["kennethreitz/records"][0]["LICENSE"]).score == 1.0


def test_british_spellings_and_https_are_equivalent(repos):
    notice = repos["google/python-fire"][0]["LICENSE"]
    british = notice.replace("License", "Licence").replace("http://", "https://")
    assert british != notice and detect_license_text(british).score == 1.0
    gpl = re.sub(r"\b([Ll])icense(s?)\b", r"\1icence\2", license_file("gpl-3.0"))
    gpl = re.sub(r"\borganization\b", "organisation", gpl)
    assert detect_license_text(gpl).score == 1.0


def test_a_long_name_in_the_template_fields_still_matches():
    fields = {"[year]": "2009-2024", "[fullname]": "The Widget Project Authors and Contributors",
              "[project]": "Widget Toolkit for Python", "[email]": "dev@lists.example.org",
              "[projecturl]": "https://example.org/widget"}
    for stem in ("postgresql", "ncsa", "bsd-4-clause", "vim"):
        assert detect_license_text(license_file(stem, fields)).spdx_id == source_id(stem)


def test_full_apache_text_and_its_short_notice_are_told_apart(repos):
    full = detect_license_text(license_file("apache-2.0"))
    notice = detect_license_text(repos["google/python-fire"][0]["LICENSE"])
    assert (full.spdx_id, full.method) == ("Apache-2.0", "text")
    assert (notice.spdx_id, notice.method) == ("Apache-2.0", "notice")
    source_file = detect_license_text(repos["google/python-fire"][0]["fire/core.py"])
    assert (source_file.spdx_id, source_file.method) == ("Apache-2.0", "notice")  # a header in a source file


def test_gnu_notices_say_only_or_or_later():
    gpl2 = license_file("gpl-2.0")
    notice = notice_text(gpl2, *NOTICES["GPL-2.0"])
    assert detect_license_text(notice).spdx_id == "GPL-2.0-or-later"
    only = notice.replace("; either version 2 of the License, or\n    (at your option) any later version.",
                          ", version 2 of the License.")
    assert only != notice and detect_license_text(only).spdx_id == "GPL-2.0-only"
    agpl = notice_text(license_file("agpl-3.0"), *NOTICES["AGPL-3.0"])
    assert detect_license_text(agpl).spdx_id == "AGPL-3.0-or-later"


def test_close_variants_are_settled_on_what_only_one_of_them_has(monkeypatch):
    # ECL-2.0 is Apache-2.0 renamed, with its own patent paragraph: without that paragraph, the Dice
    # ranking alone prefers Apache-2.0; the words only ECL-2.0 has (its name, its URL) decide
    paragraphs = re.split(r"\n\s*\n", license_file("ecl-2.0"))
    assert paragraphs[19].startswith("Subject to the terms and conditions of this License, each Contributor")
    text = "\n\n".join(paragraphs[:19] + paragraphs[20:])
    found = detect_license_text(text)
    assert (found.spdx_id, found.runner_up) == ("ECL-2.0", "Apache-2.0")
    assert found.runner_up_score > found.score  # the other way round by score alone
    monkeypatch.setattr(matcher, "CLOSE", 0.0)  # step 5 (close variants) off
    assert detect_license_text(text).spdx_id == "Apache-2.0"


def test_a_notice_half_way_between_two_licences_is_ambiguous():
    notice = notice_text(license_file("gpl-3.0"), *NOTICES["GPL-3.0"])
    half_edited = notice.replace("GNU General Public License", "GNU Affero General Public License", 1)
    found = detect_license_text(half_edited)
    assert found.spdx_id is None and found.method == "ambiguous"
    assert {found.closest, found.runner_up} <= {"GPL-3.0-or-later", "AGPL-3.0-or-later", "GPL-3.0", "AGPL-3.0"}


def test_a_full_text_outranks_another_licences_notice_inside_it(monkeypatch):
    # GPL-3.0's notice (in its "How to Apply" appendix) is one word away from AGPL-3.0's. With a word
    # inserted every 30 in the terms and the appendix left as it is, the AGPL-3.0 notice scores above
    # the whole GPL-3.0 text, which must still win: a notice is a few lines of the file
    terms, appendix = license_file("gpl-3.0").split("How to Apply These Terms")
    words = terms.split()
    noisy = " ".join(w + (" widget" if i % 30 == 29 else "") for i, w in enumerate(words))
    monkeypatch.setattr(matcher, "CLOSE", 0.0)  # the ranking alone, without step 5
    found = detect_license_text(noisy + "\nHow to Apply These Terms" + appendix)
    assert (found.spdx_id, found.method) == ("GPL-3.0-or-later", "text")
    assert found.runner_up == "AGPL-3.0" and found.runner_up_score > found.score


def test_a_file_holding_two_licences_reports_both(repos):
    mit, isc = repos["sindresorhus/slugify"][0]["license"], repos["kennethreitz/records"][0]["LICENSE"]
    found = detect_license_text(mit + "\n\n---\n\nThird-party code:\n\n" + license_file("bsd-3-clause"))
    assert set(found.ids) == {"MIT", "BSD-3-Clause"}
    with_gpl = detect_license_text(isc + "\n\n" + repos["ranger/ranger"][0]["LICENSE"])
    assert set(with_gpl.ids) == {"ISC", "GPL-3.0-or-later"} and not is_allowed(" AND ".join(with_gpl.ids))


def test_an_edited_or_truncated_licence_is_unknown_not_guessed():
    gpl = license_file("gpl-3.0")
    half = detect_license_text(gpl[: len(gpl) // 2])
    assert half.spdx_id is None and half.method == "no_match" and half.closest == "GPL-3.0-or-later"
    mit = license_file("mit")
    gutted = mit.split("THE SOFTWARE IS PROVIDED")[0]  # the grant without the disclaimer
    assert detect_license_text(gutted).spdx_id is None


# ---------------------------------------------------------------- not a licence


def test_files_that_carry_no_licence_text_give_none(rows):
    """Every file of the 6 repositories that is neither a licence file nor carries a licence notice."""
    checked = 0
    for row in rows:
        text = row["content"] or ""
        if row["is_license_file"] or "Licensed under the Apache License" in text:
            continue
        found = detect_license_text(text)
        assert found.spdx_id is None and found.score < 0.3, row["path"]
        checked += 1
    assert checked > 300


def test_short_and_empty_texts_are_unknown():
    for text in ("", "MIT", "MIT License", "See LICENSE", "Licensed under the MIT License."):
        found = detect_license_text(text)
        assert found.spdx_id is None and found.method in ("too_short", "no_match")


# ---------------------------------------------------------------- SPDX headers


def test_spdx_headers_of_real_files(repos):
    inih = repos["benhoyt/inih"][0]
    assert spdx_identifiers(inih["ini.c"]) == ["BSD-3-Clause"]  # alone on a line of a /* */ block
    assert spdx_identifiers(inih["cpp/INIReader.h"]) == ["BSD-3-Clause"]  # after //
    assert spdx_identifiers(repos["ranger/ranger"][0]["ranger/__init__.py"]) == []


@pytest.mark.parametrize("header, expected", [
    ("#!/usr/bin/env python3\n# SPDX-License-Identifier: MIT OR Apache-2.0\nimport os\n", "MIT OR Apache-2.0"),
    ("// SPDX-License-Identifier: (MIT AND BSD-3-Clause)\nconst x = 1;\n", "MIT AND BSD-3-Clause"),
    ("/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */\n#include <linux/types.h>\n",
     "GPL-2.0-only WITH Linux-syscall-note"),
    ("/*\n * SPDX-License-Identifier: GPL-2.0+\n */\n", "GPL-2.0-or-later"),
    ("-- SPDX-License-Identifier: Apache-2.0\nSELECT 1;\n", "Apache-2.0"),
    ("<!-- SPDX-License-Identifier: CC-BY-4.0 -->\n<html></html>\n", "CC-BY-4.0"),
    ("{- SPDX-License-Identifier: BSD-2-Clause -}\nmodule Main where\n", "BSD-2-Clause"),
    ("(* SPDX-License-Identifier: LGPL-2.1-or-later *)\nlet x = 1\n", "LGPL-2.1-or-later"),
    ("; SPDX-License-Identifier: gpl-3.0\n(defun f ())\n", "GPL-3.0-only"),
    ("% SPDX-License-Identifier: LPPL-1.3c\n\\documentclass{article}\n", "LPPL-1.3c"),
    ("//! SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception\nfn main() {}\n", "Apache-2.0 WITH LLVM-exception"),
])
def test_spdx_header_styles_and_expressions(header, expected):
    (written,) = spdx_identifiers(header)
    assert canonical_expression(written) == expected


def test_spdx_mentions_and_late_tags_are_not_headers():
    assert spdx_identifiers('Find `SPDX-License-Identifier: <expression>` in files\n') == []
    assert spdx_identifiers('TAG = "SPDX-License-Identifier: MIT"\n') == []
    late = "\n" * 60 + "# SPDX-License-Identifier: MIT\n"
    assert spdx_identifiers(late) == [] and spdx_identifiers(late, header_lines=100) == ["MIT"]


def test_invalid_expressions_are_none():
    for written in ("MIT/Apache-2.0", "MIT AND", "(MIT OR Apache-2.0", "MIT Apache-2.0", ""):
        assert canonical_expression(written) is None, written


def test_an_invalid_header_is_evidence_not_an_answer():
    files = {"a.py": "# SPDX-License-Identifier: MIT/Apache-2.0\n", "b.py": "# SPDX-License-Identifier: MIT\n"}
    found = detect_repo_license(files)
    assert found.expression == "MIT"
    assert ("a.py", None, "invalid_spdx_header") in [(e.path, e.spdx_id, e.method) for e in found.evidence]


# ---------------------------------------------------------------- the allow-list


def test_the_default_allow_list_is_the_reports_permissive_list():
    assert {"MIT", "MIT-0", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "CC0-1.0",
            "CC-BY-4.0", "Unlicense", "ISC", "Artistic-2.0"} <= DEFAULT_ALLOWED
    assert all(canonical_expression(spdx_id) == spdx_id for spdx_id in DEFAULT_ALLOWED)
    kept = {source_id(stem) for stem in STEMS if is_allowed(reported_id(source_id(stem)))}
    assert kept == {"0BSD", "Apache-2.0", "Artistic-2.0", "BSD-2-Clause", "BSD-2-Clause-Patent",
                    "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "CC-BY-4.0", "CC0-1.0",
                    "ISC", "MIT", "MIT-0", "Unlicense"}


@pytest.mark.parametrize("expression, allowed", [
    ("MIT OR GPL-3.0-only", True),               # OR: one allowed branch is enough
    ("MIT AND GPL-3.0-only", False),             # AND: every part must be allowed
    ("(MIT AND BSD-3-Clause) OR GPL-2.0", True),
    ("Apache-2.0 WITH LLVM-exception", True),    # an exception only adds permissions
    ("GPL-2.0-only WITH Classpath-exception-2.0", False),
    ("Apache-2.0+", True),
    ("mit", True),                               # ids are case-insensitive
    ("Artistic-1.0-Perl OR GPL-1.0-or-later", True),
    ("GPL-3.0-or-later", False), ("GPL-3.0", False), ("LGPL-2.1-only", False), ("MPL-2.0", False),
    ("CC-BY-SA-4.0", False), ("CC-BY-NC-4.0", False), ("Zlib", False), ("BSL-1.0", False),
    ("LicenseRef-Proprietary", False), ("NOASSERTION", False),
    ("MIT/Apache-2.0", False), ("", False), (None, False),
])
def test_policy_edge_cases(expression, allowed):
    assert is_allowed(expression) is allowed


def test_a_custom_allow_list_and_version_suffixes():
    assert is_allowed("Zlib", {"Zlib", "MIT"}) and not is_allowed("Zlib OR GPL-3.0", ["MIT"])
    assert is_allowed("LGPL-2.1-only", ["LGPL-2.1-or-later"])   # the suffix never changes the answer
    assert is_allowed("GPL-3.0-or-later", ["gpl-3.0"])            # nor does the deprecated id
    assert not is_allowed("GPL-3.0-or-later", ["GPL-2.0-or-later"])  # the version does
    assert not is_allowed("MIT", [])
