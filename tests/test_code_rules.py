"""Pure code rules: language detection, vendored/generated files, code quality, on real repository files.

Real inputs: the 389 files of six repositories in tests/data/code/permissive_and_gpl_repo_files.jsonl.gz
(pallets/itsdangerous, benhoyt/inih, google/python-fire, sindresorhus/slugify, kennethreitz/records,
ranger/ranger), labelled by hand in tests/data/code/languages.json (see LANGUAGES.md there). Failing
inputs are made from those files with the one edit a rule needs (a real JavaScript file put on one
line as a minifier does, a real SVG embedded as base64 in a real Python module), or are the real
head of a generator's output (protoc's C++ and Python banners) or real data (a JSON dump from
tests/data, a Korean article body from the same file). Snippets for the languages absent from the
six repositories are short and written as such files are.
"""
import base64
import gzip
import json

import pytest

from tests.conftest import DATA, read_jsonl_gz
from transforms.code_rules.languages import (
    CODE_LANGUAGES, EXTENSIONS, FILENAMES, INTERPRETERS, Detection, detect, detect_language, shebang_language,
)
from transforms.code_rules.quality import (
    DEFAULT_PER_LANGUAGE, CodeQualityParams, character_counts, code_quality, data_measurements,
)
from transforms.code_rules.vendored import skip_reason
from transforms.params import ConfigError, parse_params

CODE = DATA / "code"


@pytest.fixture(scope="module")
def files():
    """{"repo/path": row} for the 389 real files."""
    rows = read_jsonl_gz(CODE / "permissive_and_gpl_repo_files.jsonl.gz")
    return {f"{row['repo']}/{row['path']}": row for row in rows}


@pytest.fixture(scope="module")
def labels():
    return json.loads((CODE / "languages.json").read_text())


def content(files, key):
    return files[key]["content"]


# ---------------------------------------------------------------- language detection: the labelled files


def test_detection_equals_the_labels_on_every_real_file(files, labels):
    assert len(files) == 389 and set(labels) == set(files)
    wrong = {key: (labels[key], detect_language(row["path"], row["content"])) for key, row in files.items()
             if detect_language(row["path"], row["content"]) != labels[key]}
    assert wrong == {}


def test_the_labels_cover_code_and_the_files_around_it(labels):
    counts = {}
    for language in labels.values():
        counts[language] = counts.get(language, 0) + 1
    assert counts["Python"] == 208 and counts["C"] == 10 and counts["C++"] == 4
    assert counts["JavaScript"] == 3 and counts["TypeScript"] == 2 and counts["Shell"] == 12
    assert {"Markdown", "reStructuredText", "YAML", "TOML", "INI", "Makefile", "Meson", "Roff Manpage", "Pod",
            "fish", "Vim Script", "desktop", "Ignore List", "Git Attributes", "EditorConfig", "Text"} <= set(counts)


def test_h_files_are_told_apart_by_content(files):
    reader_h = content(files, "benhoyt/inih/cpp/INIReader.h")
    ini_h = content(files, "benhoyt/inih/ini.h")
    assert detect("cpp/INIReader.h", reader_h) == Detection("C++", "content")
    # ini.h is C with an extern "C" guard, and says "C++ std::string_view" in a comment: comments
    # and strings are removed before the C++ rules look
    assert "std::string_view" in ini_h and 'extern "C"' in ini_h
    assert detect("ini.h", ini_h) == Detection("C", "extension")
    # the same comment outside a comment is C++
    assert detect("ini.h", ini_h + "\nstd::string_view view();\n").language == "C++"
    # without the text, a .h is C
    assert detect("cpp/INIReader.h") == Detection("C", "extension")


OBJC_HEADER = """\
//
//  AFURLSessionManager.h
//
#import <Foundation/Foundation.h>

NS_ASSUME_NONNULL_BEGIN

@interface AFURLSessionManager : NSObject <NSURLSessionDelegate, NSSecureCoding, NSCopying>

@property (readonly, nonatomic, strong) NSURLSession *session;

- (instancetype)initWithSessionConfiguration:(nullable NSURLSessionConfiguration *)configuration;

@end

NS_ASSUME_NONNULL_END
"""
OBJC_IMPLEMENTATION = """\
#import "AppDelegate.h"

@implementation AppDelegate

- (BOOL)application:(UIApplication *)application didFinishLaunchingWithOptions:(NSDictionary *)launchOptions {
    return YES;
}

@end
"""
MATLAB_SCRIPT = """\
function y = smooth3(x, n)
% SMOOTH3 moving average over n samples
y = conv(x, ones(1, n) / n, 'same');
end
"""


def test_objective_c_headers_and_implementations():
    assert detect("AFNetworking/AFURLSessionManager.h", OBJC_HEADER) == Detection("Objective-C", "content")
    assert detect("Sources/AppDelegate.m", OBJC_IMPLEMENTATION) == Detection("Objective-C", "content")
    assert detect("signal/smooth3.m", MATLAB_SCRIPT) == Detection("MATLAB", "content")
    assert detect("Sources/AppDelegate.m") == Detection("Objective-C", "extension")
    # an Objective-C++ header (C++ and Objective-C markers) is Objective-C, as in linguist
    assert detect_language("Bridge.h", OBJC_HEADER + "\nnamespace bridge { class Engine; }\n") == "Objective-C"


def test_the_x_macro_include_of_inih_is_c(files):
    config_def = content(files, "benhoyt/inih/examples/config.def")
    assert detect("examples/config.def", config_def) == Detection("C", "content")
    assert detect_language("mylib.def", "LIBRARY mylib\nEXPORTS\n    ini_parse @1\n") is None


def test_ts_is_typescript_unless_it_is_a_qt_translation(files):
    index_d_ts = content(files, "sindresorhus/slugify/index.d.ts")
    assert detect("index.d.ts", index_d_ts) == Detection("TypeScript", "extension")
    qt = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="de_DE">\n'
          "<context>\n    <name>MainWindow</name>\n</context>\n</TS>\n")
    assert detect("translations/app_de.ts", qt) == Detection("XML", "content")


def test_perl_prolog_and_pod():
    assert detect_language("script.pl", "#!/usr/bin/perl\nuse strict;\nuse warnings;\nmy $x = 1;\n") == "Perl"
    assert detect_language("family.pl", "parent(tom, bob).\nancestor(X, Y) :- parent(X, Y).\n") == "Prolog"
    assert detect_language("lib/Foo.pm", "unit class Foo;\nhas $.name;\n") == "Raku"
    assert detect_language("doc/ranger.pod", "=head1 NAME\n\nranger\n") == "Pod"


SNIPPETS = {  # path, text, language: one real-looking file for each of the 14
    "Swift": ("Sources/App/main.swift", "import Foundation\n\nlet greeting = \"Hello\"\nprint(greeting)\n"),
    "Objective-C": ("Classes/AppDelegate.m", OBJC_IMPLEMENTATION),
    "Java": ("src/main/java/com/acme/App.java", "package com.acme;\n\npublic class App {\n"
             "    public static void main(String[] args) { System.out.println(\"hi\"); }\n}\n"),
    "Go": ("cmd/server/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n"),
    "Kotlin": ("app/src/main/kotlin/Main.kt", "fun main() {\n    println(\"hi\")\n}\n"),
    "Rust": ("src/main.rs", "fn main() {\n    println!(\"hi\");\n}\n"),
    "C#": ("src/Program.cs", "using System;\n\nclass Program {\n"
           "    static void Main() => Console.WriteLine(\"hi\");\n}\n"),
    "Ruby": ("lib/acme.rb", "module Acme\n  def self.hi\n    puts 'hi'\n  end\nend\n"),
}
REAL_EXAMPLES = {  # language: a real file of the six repositories
    "Python": "google/python-fire/fire/core.py",
    "C": "benhoyt/inih/ini.c",
    "C++": "benhoyt/inih/cpp/INIReader.cpp",
    "JavaScript": "sindresorhus/slugify/index.js",
    "TypeScript": "sindresorhus/slugify/index.test-d.ts",
    "Shell": "ranger/ranger/ranger/data/scope.sh",
}


def test_the_fourteen_languages(files):
    assert len(CODE_LANGUAGES) == 14
    assert {"Swift", "Python", "C", "Objective-C", "C++", "JavaScript", "Java", "Go"} <= CODE_LANGUAGES
    assert set(SNIPPETS) | set(REAL_EXAMPLES) == CODE_LANGUAGES
    for language, (path, text) in SNIPPETS.items():
        assert detect_language(path, text) == language, path
    for language, key in REAL_EXAMPLES.items():
        assert detect_language(files[key]["path"], files[key]["content"]) == language, key
    # every language of the mix is reachable by extension and by shebang or file name
    assert CODE_LANGUAGES - {"Objective-C"} <= set(EXTENSIONS.values())  # .m is ambiguous (MATLAB, Mercury)
    assert CODE_LANGUAGES - {"Objective-C", "Go", "C++"} <= set(INTERPRETERS.values()) | set(FILENAMES.values())


def test_names_without_a_useful_extension():
    assert detect("Makefile") == Detection("Makefile", "filename")
    assert detect("docker/Dockerfile") == detect("Dockerfile.dev") == Detection("Dockerfile", "filename")
    assert detect_language("tools/BUILD") == "Starlark" and detect_language("fuzzing/build") is None
    assert detect_language("CMakeLists.txt") == "CMake"
    assert detect_language("ios/Podfile") == detect_language("fastlane/Fastfile") == "Ruby"
    assert detect_language("Package.swift") == "Swift"
    assert detect_language("app/build.gradle.kts") == "Gradle Kotlin DSL"
    assert detect_language("requirements-dev.txt") == detect_language("requirements.in") == "Pip Requirements"
    assert detect_language("LICENSE-MIT") == detect_language("COPYING") == detect_language("license") == "Text"
    assert detect_language("README.md") == "Markdown"
    assert detect_language("config.h.in") == "C" and detect_language("settings.py.in") == "Python"
    assert detect_language("src/engine.C") == "C++"
    assert detect_language("assets/model.xyz") is None and detect_language("bin/tool") is None


def test_shebangs_decide_files_without_extension(files):
    for key in ("benhoyt/inih/fuzzing/build.sh", "benhoyt/inih/tests/runtest.sh",
                "ranger/ranger/examples/rifle_sxiv.sh"):
        assert detect(key.rsplit(".", 1)[0].split("/", 2)[2], content(files, key)) == Detection("Shell", "shebang")
    for key in ("kennethreitz/records/examples/randomuser-sqlite.py", "ranger/ranger/ranger.py",
                "ranger/ranger/doc/tools/print_keys.py"):
        assert detect("bin/" + key.rsplit("/", 1)[1][:-3], content(files, key)) == Detection("Python", "shebang")
    assert shebang_language("#!/usr/bin/env python3\n") == "Python"
    assert shebang_language("#!/usr/bin/python3.11 -u\n") == "Python"
    assert shebang_language("#! /bin/sh\n") == "Shell"
    assert shebang_language("#!/usr/bin/env -S deno run --allow-net\n") == "JavaScript"
    assert shebang_language("#!/usr/bin/env ruby\n") == "Ruby"
    assert shebang_language("#!/usr/bin/swift\n") == "Swift"
    assert shebang_language("#!/usr/bin/env perl6\n") == "Raku"  # the exact name before the version is dropped
    assert shebang_language("#!/usr/bin/env\n") is None and shebang_language("# not a shebang\n") is None
    # the extension wins over the shebang; a CGI script has only its shebang
    assert detect_language("tools/run.py", "#!/bin/sh\nexec python3 -m tool\n") == "Python"
    assert detect("cgi-bin/search.cgi", "#!/usr/bin/perl -w\nuse CGI;\n") == Detection("Perl", "shebang")


# ---------------------------------------------------------------- vendored, generated, lock and binary files


def test_real_files_skipped_by_rule(files):
    skipped = {key: skip_reason(row["path"], row["content"]) for key, row in files.items()}
    skipped = {key: reason for key, reason in skipped.items() if reason}
    links = {f"ranger/ranger/doc/config/{name}" for name in (
        "colorschemes/default.py", "colorschemes/jungle.py", "colorschemes/snow.py", "commands.py", "rc.conf",
        "rifle.conf", "scope.sh")}
    assert skipped == {"pallets/itsdangerous/uv.lock": "lock_file", **{key: "symlink" for key in links}}
    assert content(files, "ranger/ranger/doc/config/rc.conf") == "../../ranger/config/rc.conf"


@pytest.mark.parametrize("path, reason", [
    ("node_modules/lodash/lodash.js", "vendored_dir"),
    ("web/static/vendor/jquery/jquery.js", "vendored_dir"),
    ("third_party/abseil-cpp/absl/base/config.h", "vendored_dir"),
    ("ios/Pods/AFNetworking/AFNetworking/AFURLSessionManager.m", "vendored_dir"),
    ("Carthage/Checkouts/Alamofire/Source/Session.swift", "vendored_dir"),
    ("bower_components/angular/angular.js", "vendored_dir"),
    ("venv/lib/python3.11/site-packages/requests/api.py", "vendored_dir"),
    (".git/hooks/pre-commit.sample", "vcs_dir"),
    ("dist/index.js", "build_dir"),
    ("packages/core/dist/index.d.ts", "build_dir"),
    ("target/debug/build/libc-2f3c/out/main.rs", "build_dir"),
    ("module-a/target/generated-sources/annotations/Foo.java", "build_dir"),
    ("src/__pycache__/util.cpython-311.pyc", "build_dir"),
    ("package-lock.json", "lock_file"), ("yarn.lock", "lock_file"), ("Cargo.lock", "lock_file"),
    ("go.sum", "lock_file"), ("ios/Podfile.lock", "lock_file"), ("Package.resolved", "lock_file"),
    ("poetry.lock", "lock_file"), ("pnpm-lock.yaml", "lock_file"), ("composer.lock", "lock_file"),
    ("api/v1/service.pb.go", "generated_file"), ("proto/service_pb2.py", "generated_file"),
    ("Sources/Model/user.pb.swift", "generated_file"), ("Forms/Main.Designer.cs", "generated_file"),
    ("static/js/jquery-3.7.1.min.js", "minified"), ("css/bootstrap.min.css", "minified"),
    ("static/js/app.js.map", "source_map"),
    ("Assets.xcassets/AppIcon.appiconset/icon-60@2x.png", "binary"), ("fonts/Inter.woff2", "binary"),
    # kept: source in directories whose names look like build output
    ("build/webpack.config.js", None), ("src/main/java/com/acme/target/Target.java", None),
    ("pkg/kubelet/pods/handler.go", None), ("bin/ranger", None), ("lib/index.js", None),
    ("src/vendoring/resolve.py", None), ("app/models/vendors/invoice.rb", None), ("docs/building.md", None),
])
def test_paths(path, reason):
    assert skip_reason(path) == reason


def test_content_rules(files):
    index_js = content(files, "sindresorhus/slugify/index.js")
    assert skip_reason("index.js", index_js) is None
    one_line = " ".join(line.strip() for line in index_js.splitlines() if line.strip())  # what a minifier does
    assert skip_reason("index.js", one_line) == "minified"
    assert skip_reason("index.py", one_line) is None  # linguist's test is for .js and .css only
    png_head = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert skip_reason("docs/logo", png_head) == "binary"
    assert skip_reason("notes.txt", "caf\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd") == "binary"
    assert skip_reason("notes.txt", "café au lait\n") is None
    # a one-line file that is not a link target
    assert skip_reason(".nvmrc", "lts/hydrogen") is None
    assert skip_reason("src/link.py", "/usr/lib/python3/dist-packages/foo.py") == "symlink"


# ---------------------------------------------------------------- code quality


EXPECTED_FAILURES = {  # on the real files, with the detected language: all but one are not code
    "pallets/itsdangerous/docs/_static/itsdangerous-icon.svg": "mean_line_length",
    "pallets/itsdangerous/docs/_static/itsdangerous-logo.svg": "max_line_length",
    "pallets/itsdangerous/docs/_static/itsdangerous-name.svg": "max_line_length",
    "pallets/itsdangerous/uv.lock": "mean_line_length",  # also a lock file
    "pallets/itsdangerous/.github/workflows/tests.yaml": "low_alphabetic",  # StarCoder's YAML rule: 0.468 letters
    "benhoyt/inih/.github/FUNDING.yml": "too_small",  # StarCoder's YAML minimum: 16 characters
    "kennethreitz/records/.github/FUNDING.yml": "too_small",
    "benhoyt/inih/tests/unittest.bat": "mean_line_length",  # tcc command lines, 109 characters on average
    "ranger/ranger/doc/ranger.1": "auto_generated",  # 'Automatically generated by Pod::Man'
    "ranger/ranger/doc/rifle.1": "auto_generated",
    "ranger/ranger/ranger/data/rowcolumn_diacritics.py": "data_blob",  # a table of 297 "\\uXXXX" literals
}


def test_real_files_pass_except_data_and_generated_ones(files, labels):
    failures = {}
    for key, row in files.items():
        reason = code_quality(row["content"], labels[key]).reason
        if reason == "empty":
            assert not row["content"].strip(), key
        elif reason:
            failures[key] = reason
    assert failures == EXPECTED_FAILURES
    empty = [key for key, row in files.items() if not row["content"].strip()]
    assert len(empty) == 15  # __init__.py files and py.typed
    code_files = [key for key in files if labels[key] in CODE_LANGUAGES]
    assert len(code_files) == 239
    assert [key for key in code_files if key in failures] == ["ranger/ranger/ranger/data/rowcolumn_diacritics.py"]


def test_vectorised_counts_equal_their_definitions(files):
    for row in files.values():
        text = row["content"]
        counts = character_counts(text)
        assert counts["alnum"] == sum(c.isalnum() for c in text)
        assert counts["alpha"] == sum(c.isalpha() for c in text)
        assert counts["non_ascii"] == sum(ord(c) > 127 for c in text)
        assert counts["bytes"] == len(text.encode("utf-8")) == row["size_bytes"]


def test_a_minified_javascript_file_fails_on_line_length(files):
    index_js = content(files, "sindresorhus/slugify/index.js")
    assert code_quality(index_js, "JavaScript").kept
    minified = " ".join(line.strip() for line in index_js.splitlines() if line.strip())
    result = code_quality(minified, "JavaScript")
    assert result.reason == "max_line_length" and result.measurements["max_line_length"] > 3000


@pytest.fixture(scope="module")
def embedded_svg(files):
    """A real SVG logo, gzipped and base64-encoded as programs embed icons."""
    svg = content(files, "pallets/itsdangerous/docs/_static/itsdangerous-logo.svg").encode()
    return base64.b64encode(gzip.compress(svg, mtime=0)).decode()


def test_a_base64_blob_in_python_is_data(files, embedded_svg):
    module = content(files, "pallets/itsdangerous/src/itsdangerous/encoding.py")
    assert code_quality(module, "Python").kept
    one_line = module + f'\n\nLOGO_SVGZ = "{embedded_svg}"\n'
    result = code_quality(one_line, "Python")
    assert result.reason == "data_blob" and result.measurements["longest_blob"] == len(embedded_svg.rstrip("="))
    # the same blob wrapped at 76 characters, as base64.encodebytes writes it: no long run, but
    # most of the characters are in blob lines
    wrapped = base64.encodebytes(base64.b64decode(embedded_svg)).decode()
    assert max(map(len, wrapped.splitlines())) == 76
    result = code_quality(module + f'\n\nLOGO_SVGZ = b"""\n{wrapped}"""\n', "Python")
    assert result.reason == "data_blob" and result.measurements["longest_blob"] < 1024
    assert result.measurements["data_fraction"] > 0.5
    # a module with a SHA-256 constant is not data
    assert code_quality(module + '\nDIGEST = "' + "ab" * 32 + '"\n', "Python").kept


PROTOC_CPP_HEADER = """\
// Generated by the protocol buffer compiler.  DO NOT EDIT!
// source: google/protobuf/timestamp.proto

#ifndef GOOGLE_PROTOBUF_INCLUDED_google_2fprotobuf_2ftimestamp_2eproto
#define GOOGLE_PROTOBUF_INCLUDED_google_2fprotobuf_2ftimestamp_2eproto

#include <limits>
#include <string>

#include <google/protobuf/port_def.inc>
#if PROTOBUF_VERSION < 3021000
#error This file was generated by a newer version of protoc which is
#error incompatible with your Protocol Buffer headers. Please update
#error your headers.
#endif
"""
PROTOC_PYTHON_HEAD = """\
# -*- coding: utf-8 -*-
# Generated by the protocol buffer compiler.  DO NOT EDIT!
# source: org/apache/beam/model/pipeline/v1/schema.proto
# Protobuf Python Version: 4.25.1
\"\"\"Generated protocol buffer code.\"\"\"
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
"""
APACHE_HEADER = "".join(f"// {line}\n" for line in (
    "Copyright 2024 The Authors.", "", 'Licensed under the Apache License, Version 2.0 (the "License");',
    "you may not use this file except in compliance with the License.", "You may obtain a copy of the License at",
    "", "    http://www.apache.org/licenses/LICENSE-2.0", "",
    "Unless required by applicable law or agreed to in writing, software",
    'distributed under the License is distributed on an "AS IS" BASIS,',
    "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
    "See the License for the specific language governing permissions and", "limitations under the License."))


def test_generated_code_is_recognised_by_its_banner():
    path = "google/protobuf/timestamp.pb.h"
    assert detect_language(path, PROTOC_CPP_HEADER) == "C++"  # <limits>, <string>
    assert skip_reason(path, PROTOC_CPP_HEADER) == "generated_file"  # by name
    result = code_quality(PROTOC_CPP_HEADER, "C++")  # by banner, whatever the name
    assert result.reason == "auto_generated"
    assert result.measurements["generated_marker"].startswith("// Generated by the protocol buffer compiler")
    assert code_quality(PROTOC_PYTHON_HEAD, "Python").reason == "auto_generated"
    # Go's convention after a 13-line licence header: beyond the loose 5-line window, found by the strict rule
    go = APACHE_HEADER + "\n// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage v1\n"
    assert code_quality(go, "Go").reason == "auto_generated"
    assert code_quality(go, "Go", CodeQualityParams(generated_header_lines=0)).kept
    # "generated by" inside a sentence is not a banner
    prose = "// Package scan splits input.\n// Tokens generated by the scanner carry positions.\npackage scan\n"
    assert code_quality(prose, "Go").kept


def test_a_json_data_dump_is_rejected(files):
    dump = (DATA / "extraction" / "scrapinghub_aeb" / "ground-truth.json").read_text()
    assert detect_language("ground-truth.json", dump) == "JSON"
    assert code_quality(dump, "JSON").reason == "too_large"  # StarCoder keeps JSON of 50-5000 characters
    sizes = [row["size_bytes"] for row in files.values()][:300]  # the real sizes: numbers only, under 5000 chars
    result = code_quality(json.dumps(sizes, indent=1), "JSON")  # one a line
    assert result.reason == "low_alphabetic" and result.measurements["alpha_fraction"] == 0
    assert code_quality(json.dumps(sizes), "JSON").reason == "data_blob"  # all on one line: a literal list
    # a small JSON file of words passes
    assert code_quality(content(files, "sindresorhus/slugify/package.json"), "JSON").kept


def test_text_that_is_mostly_non_ascii_is_not_code():
    truth = json.loads((DATA / "extraction" / "scrapinghub_aeb" / "ground-truth.json").read_text())
    korean = truth["0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2"]["articleBody"]
    module = f'"""Article fixture."""\n\nARTICLE = """\n{korean}\n"""\n'
    result = code_quality(module, "Python")
    assert result.reason == "non_ascii" and result.measurements["non_ascii_fraction"] > 0.6
    assert code_quality(f"# 기사\n\n{korean}\n", "Markdown").kept  # prose formats skip the rule


def test_per_language_overrides(files):
    core = content(files, "google/python-fire/fire/core.py")
    assert code_quality(core, "Python").kept
    pep8 = CodeQualityParams(per_language={"Python": {"max_line_length": 79}})
    result = code_quality(core, "Python", pep8)
    assert result.reason == "max_line_length" and result.measurements["max_line_length"] > 79
    assert code_quality(core, "Go", pep8).kept  # other languages keep the defaults
    # the default overrides: a licence with a paragraph a line passes as Text, not as code
    licence = content(files, "sindresorhus/slugify/license")
    assert code_quality(licence, "Text").kept
    assert code_quality(licence, None).reason == "mean_line_length"
    assert set(DEFAULT_PER_LANGUAGE) >= {"Markdown", "JSON", "YAML", "SQL"}
    # user overrides come on top of the default table, key by key
    assert pep8.for_language("JSON").max_chars == 5000
    unbounded_json = CodeQualityParams(per_language={"JSON": {"max_chars": None}}).for_language("JSON")
    assert unbounded_json.max_chars is None and unbounded_json.min_alpha_fraction == 0.5
    params = CodeQualityParams()
    assert params.for_language("JSON") is params.for_language("JSON")  # resolved once per language
    assert params.for_language("Python") is params.for_language(None) is params


def test_size_limits(files):
    core = content(files, "google/python-fire/fire/core.py")
    assert code_quality(core, "Python", CodeQualityParams(max_bytes=30_000)).reason == "too_large"
    assert code_quality(core, "Python", CodeQualityParams(max_lines=500)).reason == "too_large"
    assert code_quality("", "Python").reason == "empty" and code_quality(" \n\n", "Python").reason == "empty"


def test_params_parse_and_check():
    params = parse_params(CodeQualityParams, {"max_line_length": 2000, "max_non_ascii_fraction": None}, "code_quality")
    assert params.max_line_length == 2000 and params.max_non_ascii_fraction is None
    with pytest.raises(ConfigError, match="min_alphanum_fraction"):
        parse_params(CodeQualityParams, {"min_alphanum_fraction": 2}, "code_quality")
    assert CodeQualityParams(per_language={"JSON": {"max_line_lenght": 5}}).check() == (
        "per_language.JSON", "unknown parameter 'max_line_lenght'")
    assert CodeQualityParams(min_chars=10, max_chars=5).check()[0] == "min_chars"


def test_data_measurements_on_real_tables(files):
    table = data_measurements(content(files, "ranger/ranger/ranger/data/rowcolumn_diacritics.py"))
    assert table["data_fraction"] > 0.8
    ordinary = [data_measurements(content(files, key))["data_fraction"] for key in files if key.endswith(".py")]
    # the next is ranger/gui/context.py, a list of context names between its code: 0.2
    assert sorted(ordinary)[-2] < 0.25
