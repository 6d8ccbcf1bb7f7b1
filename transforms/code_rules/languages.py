"""Which language a repository file is written in, by name, extension, content and shebang.

Names are GitHub linguist's (lib/linguist/languages.yml), so counts read like GitHub's language bar
and a config can name any language linguist knows. The mix keeps CODE_LANGUAGES, the 14 languages:
the AFM report's eight (Swift, Python, C, Objective-C, C++, JavaScript, Java, Go) and six more:

    TypeScript  the typed JavaScript most new web and Node code is written in; with JavaScript it
                covers the web stack
    Kotlin      Android's language, the counterpart of Swift on the other phone platform; shares
                the JVM libraries with Java
    Rust        the systems language that new C and C++ projects move to; same problem domain,
                memory-safe idioms
    C#          .NET, Unity and much of Windows; the largest curly-brace language not yet covered
    Ruby        the tooling around Apple development is Ruby (CocoaPods' Podfile, fastlane,
                Homebrew formulae) besides Rails
    Shell       the glue of every repository (build, CI, install scripts) and what a coding
                assistant is asked to write and read most on the command line

(PHP would be next by volume; linguist's groups are not merged: fish, Tcsh and Objective-C++ keep
their own names and are not in the 14. TSX is counted as TypeScript, as linguist's group does.)

Everything else is named too (Markdown, YAML, JSON, Makefile, Dockerfile, CMake, ...), so the
caller can count what it does not keep. Two names are ours, for files linguist has no entry for:
"Config" (line-oriented settings with # comments: *.conf, mime.types, MANIFEST.in; vim calls this
filetype `conf`) and "Text" for a few more plain-text names (py.typed, README, AUTHORS, VERSION ...).

Decision order (first that answers wins; `Detection.by` says which):
    1. filename   exact names (Makefile, Dockerfile, CMakeLists.txt, Podfile, uv.lock, .gitignore)
                  and name patterns (Dockerfile.dev, requirements-dev.txt)
    2. extension  the longest known suffix (".d.ts" before ".ts", ".gradle.kts" before ".kts");
                  a template suffix (.in, .example, .template, .sample, .dist) is looked through
    3. content    for ambiguous extensions only: .h (Objective-C, C++ or C), .m (Objective-C,
                  Mercury or MATLAB), .ts (TypeScript or Qt Linguist XML), .pl/.pm (Perl, Raku,
                  Prolog), .def (C X-macro include), ... ; the first rule that matches names the
                  language, else the extension's default ("extension") or nothing
    4. filename   plain-text names without a known extension (LICENSE, AUTHORS, README, COPYING-MIT)
    5. shebang    `#!/usr/bin/env python3`, `#!/bin/sh` for files the name does not settle
                  (bin/foo, *.cgi)
Not used: editor modelines and linguist's Bayesian classifier (a trained model; the content rules
above are its heuristics.yml for the extensions a code mix meets).
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Dict, Mapping, NamedTuple, Optional, Pattern, Tuple

SWIFT, PYTHON, C, OBJECTIVE_C, CPP, JAVASCRIPT, JAVA, GO = (
    "Swift", "Python", "C", "Objective-C", "C++", "JavaScript", "Java", "Go")
TYPESCRIPT, KOTLIN, RUST, CSHARP, RUBY, SHELL = "TypeScript", "Kotlin", "Rust", "C#", "Ruby", "Shell"
CODE_LANGUAGES = frozenset({SWIFT, PYTHON, C, OBJECTIVE_C, CPP, JAVASCRIPT, JAVA, GO,
                            TYPESCRIPT, KOTLIN, RUST, CSHARP, RUBY, SHELL})

CONTENT_SCAN_CHARS = 50_000  # content rules look at the head of a file; markers sit near the top


class Detection(NamedTuple):
    language: str
    by: str  # "filename", "extension", "content" or "shebang"


# ---------------------------------------------------------------- name tables (linguist's names)

_LANGUAGE_EXTENSIONS: Mapping[str, Tuple[str, ...]] = {
    # the 14 (ambiguous extensions such as .h, .m, .ts, .cs are in _AMBIGUOUS below)
    C: (".c", ".h.in", ".idc"),
    CPP: (".cpp", ".cc", ".cxx", ".c++", ".cppm", ".ixx", ".hpp", ".hh", ".hxx", ".h++", ".inl", ".ipp",
          ".tcc", ".tpp", ".txx", ".ino"),
    SWIFT: (".swift",),
    PYTHON: (".py", ".pyi", ".pyw", ".py3", ".gyp", ".gypi", ".wsgi", ".tac", ".lmi", ".pyde", ".pyp", ".pyt"),
    JAVASCRIPT: (".js", ".mjs", ".cjs", ".jsx", ".es6", ".jsm", ".jake", ".jss", ".pac", ".sjs", ".ssjs"),
    JAVA: (".java", ".jav", ".jsh"),
    GO: (".go",),
    TYPESCRIPT: (".mts", ".cts"),
    KOTLIN: (".kt", ".kts", ".ktm"),
    RUST: (".rs.in",),
    CSHARP: (".cs", ".csx", ".cake", ".linq"),
    RUBY: (".rb", ".rake", ".gemspec", ".podspec", ".rbi", ".ru", ".jbuilder", ".builder", ".thor", ".rbw",
           ".rabl", ".god", ".ruby"),
    SHELL: (".sh", ".bash", ".zsh", ".ksh", ".bats", ".command", ".sh.in", ".tmux", ".zsh-theme", ".tool"),
    # other programming languages
    "Perl": (".perl", ".plx", ".psgi", ".ph"),
    "Raku": (".raku", ".rakumod", ".rakutest", ".p6", ".pl6", ".pm6", ".6pl", ".6pm", ".nqp"),
    "PHP": (".php", ".php3", ".php4", ".php5", ".phps", ".phpt", ".ctp"),
    "Lua": (".lua", ".rockspec", ".nse", ".wlua"),
    "R": (".rsx",),
    "Scala": (".scala", ".sbt", ".sc", ".kojo"),
    "Groovy": (".groovy", ".gvy", ".gtpl", ".grt"),
    "Gradle": (".gradle",),
    "Gradle Kotlin DSL": (".gradle.kts",),
    "Haskell": (".hs", ".hs-boot", ".hsc"),
    "Literate Haskell": (".lhs",),
    "OCaml": (".ml", ".mli", ".mll", ".mly", ".eliom", ".eliomi", ".ml4"),
    "Standard ML": (".sml", ".fun"),  # not .sig: mostly signature files (StarCoder's inspection)
    "F#": (".fsi", ".fsx"),
    "Elixir": (".ex", ".exs"),
    "Erlang": (".erl", ".hrl", ".escript", ".xrl", ".yrl", ".app.src"),
    "Clojure": (".clj", ".cljs", ".cljc", ".cljx", ".boot"),
    "edn": (".edn",),
    "Dart": (".dart",),
    "Julia": (".jl",),
    "Zig": (".zig", ".zig.zon"),
    "Nim": (".nim", ".nims", ".nimble"),
    "Crystal": (".cr",),
    "D": (".di",),
    "Haxe": (".hx", ".hxsl"),
    "Elm": (".elm",),
    "PureScript": (".purs",),
    "Solidity": (".sol",),
    "Emacs Lisp": (".el",),
    "Common Lisp": (".lisp", ".lsp", ".asd"),
    "Scheme": (".scm", ".ss", ".sld", ".sps"),
    "Racket": (".rkt", ".rktd", ".rktl", ".scrbl"),
    "Fortran": (".f", ".for", ".f77", ".fpp"),
    "Fortran Free Form": (".f90", ".f95", ".f03", ".f08"),
    "Assembly": (".asm", ".nasm", ".a51"),
    "Unix Assembly": (".s",),
    "Cuda": (".cu", ".cuh"),
    "Metal": (".metal",),
    "GLSL": (".glsl", ".vert", ".frag", ".geom", ".tesc", ".tese", ".vsh", ".fsh", ".glslv", ".glslf"),
    "HLSL": (".hlsl", ".hlsli", ".fx", ".fxh", ".cginc"),
    "Verilog": (".veo",),
    "SystemVerilog": (".sv", ".svh", ".vh"),
    "VHDL": (".vhd", ".vhdl"),
    "Pascal": (".pas", ".dpr", ".lpr", ".pascal"),
    "Visual Basic .NET": (".vb", ".vbhtml"),
    "VBScript": (".vbs",),
    "PowerShell": (".ps1", ".psm1", ".psd1"),
    "Batchfile": (".bat", ".cmd"),
    "AppleScript": (".applescript",),
    "Tcl": (".tcl", ".tm", ".tcl.in"),
    "Tcsh": (".csh", ".tcsh"),
    "fish": (".fish",),
    "Awk": (".awk", ".gawk", ".mawk", ".nawk"),
    "sed": (".sed",),
    "Vim Script": (".vim", ".vimrc", ".vmb"),
    "Objective-J": (".j",),
    "WebAssembly": (".wat", ".wast"),
    "Starlark": (".bzl",),
    "Nix": (".nix",),
    "HCL": (".hcl", ".tf", ".tfvars", ".nomad"),
    "Makefile": (".mk", ".mak", ".make", ".makefile"),
    "CMake": (".cmake", ".cmake.in"),
    "Dockerfile": (".dockerfile", ".containerfile"),
    "Yacc": (".y", ".yacc"),
    "Lex": (".lex",),
    "ANTLR": (".g4",),
    "Protocol Buffer": (".proto",),
    "Thrift": (".thrift",),
    "Cap'n Proto": (".capnp",),
    "FlatBuffers": (".fbs",),
    "GraphQL": (".graphql", ".gql", ".graphqls"),
    "SQL": (".sql", ".mysql", ".ddl"),
    "PLpgSQL": (".pgsql",),
    "Jupyter Notebook": (".ipynb",),
    # markup, templates, styles
    "HTML": (".html", ".htm", ".xhtml", ".xht", ".hta"),
    "HTML+ERB": (".erb", ".rhtml"),
    "HTML+Razor": (".cshtml", ".razor"),
    "HTML+PHP": (".phtml",),
    "Jinja": (".jinja", ".jinja2", ".j2"),
    "Handlebars": (".hbs", ".handlebars"),
    "Mustache": (".mustache",),
    "Liquid": (".liquid",),
    "Twig": (".twig",),
    "EJS": (".ejs",),
    "Pug": (".pug", ".jade"),
    "Haml": (".haml",),
    "Slim": (".slim",),
    "Mako": (".mako",),
    "Go Template": (".gohtml", ".gotmpl", ".tmpl"),
    "Vue": (".vue",),
    "Svelte": (".svelte",),
    "Astro": (".astro",),
    "CSS": (".css",),
    "SCSS": (".scss",),
    "Sass": (".sass",),
    "Less": (".less",),
    "Stylus": (".styl",),
    "PostCSS": (".pcss", ".postcss"),
    # data and configuration
    "JSON": (".json", ".geojson", ".jsonl", ".webmanifest", ".har", ".avsc", ".gltf", ".topojson", ".tfstate",
             ".mcmeta", ".webapp"),
    "JSON with Comments": (".jsonc", ".code-workspace", ".code-snippets", ".sublime-settings", ".sublime-project",
                           ".sublime-keymap", ".sublime-commands", ".sublime-build", ".sublime-menu"),
    "JSON5": (".json5",),
    "JSONLD": (".jsonld",),
    "YAML": (".yml", ".yaml", ".sublime-syntax", ".mir", ".reek", ".rviz", ".syntax", ".yaml-tmlanguage"),
    "TOML": (".toml",),
    "INI": (".ini", ".cfg", ".cnf", ".prefs", ".dof", ".lektorproject"),
    "Java Properties": (".properties",),
    "EditorConfig": (".editorconfig",),
    "Ignore List": (".gitignore",),
    "Git Config": (".gitconfig",),
    "Dotenv": (".env",),
    "XML": (".xml", ".xsd", ".xib", ".storyboard", ".csproj", ".vbproj", ".fsproj", ".vcxproj", ".props",
            ".targets", ".resx", ".xaml", ".axaml", ".nuspec", ".wsdl", ".ui", ".iml", ".kml", ".gpx", ".rss",
            ".xliff", ".xlf", ".xul", ".launch", ".filters", ".proj", ".xml.dist", ".glade", ".mxml", ".ant"),
    "XSLT": (".xsl", ".xslt"),
    "SVG": (".svg",),
    "CSV": (".csv",),
    "TSV": (".tsv",),
    "Diff": (".diff", ".patch"),
    "Graphviz (DOT)": (".dot", ".gv"),
    "Gettext Catalog": (".po", ".pot"),
    "desktop": (".desktop", ".desktop.in"),
    "Cabal Config": (".cabal",),
    "ApacheConf": (".apacheconf", ".vhost"),
    "Nginx": (".nginx", ".nginxconf"),
    "Terraform Template": (".tftpl",),
    "Config": (".conf",),
    # prose and documentation
    "Markdown": (".md", ".markdown", ".mdown", ".mdwn", ".mkd", ".mkdn", ".mkdown", ".ronn", ".livemd"),
    "MDX": (".mdx",),
    "reStructuredText": (".rst", ".rest", ".rst.txt", ".rest.txt"),
    "AsciiDoc": (".adoc", ".asciidoc"),
    "Org": (".org",),
    "RMarkdown": (".rmd", ".qmd"),
    "TeX": (".tex", ".sty", ".ltx", ".dtx", ".ins"),
    "BibTeX": (".bib", ".bibtex"),
    "Texinfo": (".texinfo", ".texi", ".txi"),
    "Roff": (".roff", ".me", ".tmac", ".nr"),
    "Roff Manpage": (".1", ".1in", ".1m", ".1x", ".2", ".3", ".3in", ".3m", ".3p", ".3pm", ".3qt", ".3x",
                     ".4", ".5", ".6", ".7", ".8", ".9", ".man", ".mdoc"),
    "Text": (".txt", ".text"),
}

_LANGUAGE_FILENAMES: Mapping[str, Tuple[str, ...]] = {
    PYTHON: ("SConstruct", "SConscript", "wscript", "DEPS", ".gclient"),
    JAVASCRIPT: ("Jakefile",),
    RUBY: ("Gemfile", "Rakefile", "Podfile", "Fastfile", "Appfile", "Matchfile", "Pluginfile", "Brewfile",
           "Vagrantfile", "Guardfile", "Capfile", "Dangerfile", "Berksfile", "Thorfile", "Steepfile",
           "Deliverfile", "Snapfile", "Puppetfile", "Appraisals", "Buildfile", ".irbrc", ".pryrc", ".simplecov"),
    SHELL: (".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".bash_aliases", ".zshrc", ".zshenv",
            ".zprofile", ".zlogin", ".zlogout", ".profile", ".kshrc", ".envrc", ".xinitrc", ".xsession",
            "PKGBUILD", "APKBUILD", "gradlew", "mvnw", "bashrc", "zshrc"),
    "Perl": ("Makefile.PL", "cpanfile", "Rexfile"),
    "R": (".Rprofile",),
    "Groovy": ("Jenkinsfile",),
    "Erlang": ("rebar.config", "Emakefile"),
    "Lua": (".luacheckrc",),
    "Vim Script": (".vimrc", "_vimrc", ".gvimrc", "gvimrc", "vimrc", ".exrc", ".nvimrc"),
    "Emacs Lisp": (".emacs", "_emacs", "Cask", "Eask"),
    "Makefile": ("Makefile", "makefile", "GNUmakefile", "BSDmakefile", "Makefile.am", "Makefile.in",
                 "Makefile.inc", "Makefile.frag", "Makefile.boot", "Makefile.wat", "Kbuild", "mkfile"),
    "CMake": ("CMakeLists.txt",),
    "Meson": ("meson.build", "meson_options.txt", "meson.options"),
    "Dockerfile": ("Dockerfile", "Containerfile", "dockerfile"),
    "Starlark": ("BUILD", "BUILD.bazel", "WORKSPACE", "WORKSPACE.bazel", "WORKSPACE.bzlmod", "MODULE.bazel",
                 "BUCK", "Tiltfile"),
    "Procfile": ("Procfile",),
    "Just": ("justfile", "Justfile", ".justfile"),
    "Nginx": ("nginx.conf",),
    "ApacheConf": (".htaccess", "httpd.conf", "apache2.conf"),
    "Maven POM": ("pom.xml",),
    "Ant Build System": ("build.xml", "ant.xml"),
    "XML": (".classpath", ".project", ".cproject", "App.config", "Web.config", "NuGet.config", "packages.config"),
    "JSON": (".arcconfig", ".htmlhintrc", ".watchmanconfig", ".all-contributorsrc", ".auto-changelog", ".c8rc",
             ".nycrc", ".tern-project", ".tern-config", "composer.lock", "Pipfile.lock", "Package.resolved",
             "flake.lock", "deno.lock", "bun.lock", "MODULE.bazel.lock", "mcmod.info"),
    "JSON with Comments": (".babelrc", ".devcontainer.json", "devcontainer.json", ".eslintrc.json", ".jshintrc",
                           ".jscsrc", ".jslintrc", ".swcrc", "tsconfig.json", "jsconfig.json", "tslint.json",
                           "api-extractor.json", "language-configuration.json"),
    "YAML": (".clang-format", ".clang-tidy", ".clangd", ".gemrc", "CITATION.cff", "yarn.lock", "glide.lock",
             "pixi.lock"),
    "TOML": ("Cargo.lock", "Cargo.toml.orig", "Pipfile", "poetry.lock", "uv.lock", "pdm.lock", "Gopkg.lock"),
    "INI": (".flake8", ".pylintrc", "pylintrc", ".coveragerc", ".buckconfig", "buildozer.spec"),
    "Git Attributes": (".gitattributes",),
    "Git Config": (".gitmodules",),
    "Ignore List": (".gitignore", ".dockerignore", ".npmignore", ".eslintignore", ".prettierignore",
                    ".stylelintignore", ".vscodeignore", ".cvsignore", ".bzrignore", ".ignore", ".rgignore"),
    "NPM Config": (".npmrc",),
    "EditorConfig": (".editorconfig",),
    "Go Module": ("go.mod",),
    "Go Checksums": ("go.sum", "go.work.sum"),
    "Go Workspace": ("go.work",),
    "Gemfile.lock": ("Gemfile.lock",),
    "CODEOWNERS": ("CODEOWNERS",),
    "Pip Requirements": ("requirements.txt", "requirements-dev.txt", "dev-requirements.txt"),
    "crontab": ("crontab",),
    "Config": ("mime.types", "MANIFEST.in"),
    "Text": ("py.typed",),  # PEP 561's marker: empty, or "partial\n"
}

# Case matters for these: ".C" is C++ by convention, ".c" is C.
_CASE_SENSITIVE_EXTENSIONS = {".C": CPP}

# "Dockerfile.dev", "Containerfile-alpine", "requirements-test.txt", "requirements/base.in" (pip-tools).
_NAME_PATTERNS: Tuple[Tuple[Pattern, str], ...] = (
    (re.compile(r"^(?:Dockerfile|Containerfile)[.-]\w"), "Dockerfile"),
    (re.compile(r"^requirements[\w.-]*\.(?:txt|in)$"), "Pip Requirements"),
)
# Plain-text names, tried when no extension answered: LICENSE, COPYING.MIT, AUTHORS, README, ...
_TEXT_NAME = re.compile(
    r"^(?:LICEN[CS]E|COPYING|COPYRIGHT|NOTICE|AUTHORS|CONTRIBUTORS|CREDITS|README|CHANGELOG|CHANGES|HISTORY|"
    r"NEWS|INSTALL|THANKS|TODO|MAINTAINERS|PATENTS|VERSION|UNLICENSE)(?:[-._]\w[\w.-]*)?$",
    re.IGNORECASE)
# Suffixes that mark a template or sample of another file: "settings.py.in", "config.yml.example".
_TEMPLATE_SUFFIXES = (".in", ".template", ".example", ".sample", ".dist")


def _invert(table: Mapping[str, Tuple[str, ...]]) -> Dict[str, str]:
    inverted = {}
    for language, keys in table.items():
        for key in keys:
            if key in inverted:
                raise ValueError(f"{key!r} is listed for both {inverted[key]!r} and {language!r}")
            inverted[key] = language
    return inverted


EXTENSIONS = _invert(_LANGUAGE_EXTENSIONS)
FILENAMES = _invert(_LANGUAGE_FILENAMES)  # case-sensitive: "build/" and "BUILD" (Bazel) differ

# ---------------------------------------------------------------- ambiguous extensions: content rules


@dataclasses.dataclass(frozen=True)
class _Candidates:
    """An extension several languages use: the first rule whose pattern is found decides."""

    rules: Tuple[Tuple[str, Pattern], ...]
    default: Optional[str]  # when no rule matches (and when there is no text); None: undecided
    c_family: bool = False  # match after removing C comments and string literals


def _rx(pattern: str, flags: int = 0) -> Pattern:
    return re.compile(pattern, re.MULTILINE | flags)


# linguist's Objective-C heuristic, plus @import and the nullability macros.
_OBJC = _rx(r"^[ \t]*(?:@(?:interface|implementation|protocol|property|end|class|synthesize|dynamic|selector|"
            r"import|optional|required)\b|\#[ \t]*import\b)|\bNS_ASSUME_NONNULL_BEGIN\b")
# C++ only: templates, classes, namespaces, access specifiers, scope resolution, C++ keywords and
# standard headers without ".h". Run on text without comments and strings, so a C header saying
# "interfacing with C++ std::string_view" in a comment stays C (inih's ini.h does).
_CPP = _rx(r"""
      ^[ \t]*template[ \t]*<
    | ^[ \t]*(?:class|struct)[ \t]+(?:\w+[ \t]+)*\w+[ \t]*(?:final[ \t]*)?:[ \t]*(?:public|protected|private|virtual)\b
    | ^[ \t]*class[ \t]+(?:\w+[ \t]+)*\w+[ \t]*(?:\{|$)
    | ^[ \t]*(?:inline[ \t]+)?namespace\b
    | ^[ \t]*using[ \t]+namespace\b
    | ^[ \t]*(?:public|protected|private)[ \t]*:
    | \w::~?\w
    | ^[ \t]*\#[ \t]*include[ \t]*<(?:algorithm|array|atomic|bitset|cassert|chrono|climits|cmath|cstddef|cstdint
        |cstdio|cstdlib|cstring|deque|fstream|functional|iomanip|iostream|istream|iterator|limits|list|map|memory
        |mutex|new|numeric|optional|ostream|queue|regex|set|sstream|stack|string|string_view|thread|tuple
        |type_traits|unordered_map|unordered_set|utility|variant|vector)>
    | \b(?:nullptr|constexpr|noexcept|decltype|static_cast|dynamic_cast|reinterpret_cast|const_cast)\b
    | ^[ \t]*virtual\b
""", re.VERBOSE)
_MATLAB = _rx(r"^[ \t]*%|^[ \t]*function\b|^[ \t]*end[ \t]*;?[ \t]*$|\.\^")
_XML_HEAD = _rx(r"\A\s*<\?xml")
_PERL = _rx(r"\buse[ \t]+(?:strict|warnings|v?5)\b|^[ \t]*package[ \t]+[\w:]+[ \t]*;|\bmy[ \t]+[$@%]")
_RAKU = _rx(r"^[ \t]*(?:use[ \t]+v6\b|unit[ \t]+(?:module|class|grammar)\b)")
_PROLOG = _rx(r"^[^#\n]*:-")

_AMBIGUOUS: Mapping[str, _Candidates] = {
    ".h": _Candidates(((OBJECTIVE_C, _OBJC), (CPP, _CPP)), C, c_family=True),
    ".m": _Candidates(((OBJECTIVE_C, _OBJC), ("Mercury", _rx(r"^:-[ \t]*module\b")), ("MATLAB", _MATLAB)),
                      OBJECTIVE_C),
    ".mm": _Candidates((("XML", _rx(r"\A\s*<(?:\?xml|map[ \t]+version)")),), "Objective-C++"),
    # Qt Linguist translations are XML files named *.ts
    ".ts": _Candidates((("XML", _rx(r"\A\s*<(?:\?xml|TS\b|!DOCTYPE[ \t]+TS)")),), TYPESCRIPT),
    ".tsx": _Candidates((("XML", _XML_HEAD),), TYPESCRIPT),  # linguist's TSX, grouped under TypeScript
    ".rs": _Candidates((("XML", _XML_HEAD),), RUST),
    ".pl": _Candidates((("Raku", _RAKU), ("Perl", _PERL), ("Prolog", _PROLOG)), "Perl"),
    ".pm": _Candidates((("Raku", _RAKU), ("Perl", _PERL), ("X PixMap", _rx(r"/\*[ \t]*XPM[ \t]*\*/"))), "Perl"),
    ".t": _Candidates((("Raku", _RAKU),), "Perl"),
    ".pod": _Candidates((("Pod 6", _rx(r"^=begin[ \t]+pod\b")),), "Pod"),
    ".r": _Candidates((("Rebol", _rx(r"\bREBOL[ \t]*\[", re.IGNORECASE)),), "R"),
    ".d": _Candidates((("Makefile", _rx(r"^[\w./\\-]+\.o[ \t]*:")),
                       ("DTrace", _rx(r"^[ \t]*(?:provider[ \t]+\w+[ \t]*\{|\#pragma[ \t]+D\b)"))), "D"),
    ".v": _Candidates((("Rocq Prover", _rx(r"^[ \t]*(?:Require|Theorem|Lemma|Proof|Qed|Inductive|Fixpoint)\b")),
                       ("V", _rx(r"^[ \t]*fn[ \t]+\w+[ \t]*\("))), "Verilog"),
    ".fs": _Candidates((("GLSL", _rx(r"^[ \t]*\#[ \t]*version\b|\bgl_\w+|^[ \t]*(?:uniform|varying|precision)\b")),),
                       "F#"),
    ".plist": _Candidates((("XML Property List", _rx(r"\A\s*<(?:\?xml|!DOCTYPE[ \t]+plist|plist)\b")),),
                          "OpenStep Property List"),
    # X-macro includes (inih's examples/config.def) are C; a Windows module-definition file is not code
    ".def": _Candidates(((C, _rx(r"^[ \t]*(?:\#[ \t]*(?:define|undef|if|ifdef|ifndef|include|endif)\b|//|/\*"
                                  r"|[A-Za-z_]\w*[ \t]*\([^)\n]*\)[ \t]*;?[ \t]*$)")),), None),
    ".inc": _Candidates((("PHP", _rx(r"<\?(?:php\b|=)")),), None),
    ".spec": _Candidates((("RPM Spec", _rx(r"^(?:Name|Version|Release|Summary|License|BuildRequires)[ \t]*:"
                                           r"|^%(?:description|prep|build|install|files|changelog)\b")),
                          (PYTHON, _rx(r"^[ \t]*(?:import|from)[ \t]+\w|\bAnalysis[ \t]*\("))), None),
    ".pro": _Candidates((("QMake", _rx(r"^[ \t]*(?:QT|SOURCES|HEADERS|TARGET|TEMPLATE|CONFIG|FORMS|INCLUDEPATH)"
                                       r"[ \t]*[+*-]?=")),
                         ("Proguard", _rx(r"^[ \t]*-(?:keep|dontwarn|dontobfuscate|optimizations)\b")),
                         ("Prolog", _PROLOG)), None),
    ".cls": _Candidates((("TeX", _rx(r"\\(?:NeedsTeXFormat|ProvidesClass|LoadClass|documentclass)\b")),
                         ("VBA", _rx(r"^[ \t]*(?:VERSION[ \t]+1\.0[ \t]+CLASS|Attribute[ \t]+VB_)")),
                         ("Apex", _rx(r"\b(?:public|private|global)[ \t]+(?:(?:with|without)[ \t]+sharing[ \t]+)?"
                                      r"(?:virtual[ \t]+|abstract[ \t]+)?class\b", re.IGNORECASE))), None),
    # CGI scripts: only the shebang says which language
    ".cgi": _Candidates((), None),
    ".fcgi": _Candidates((), None),
}
assert not set(_AMBIGUOUS) & set(EXTENSIONS), "an extension is both plain and ambiguous"

# Comments and string/char literals of C-family files, removed before the .h rules look.
_C_COMMENTS_AND_STRINGS = re.compile(r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'""", re.DOTALL)

# ---------------------------------------------------------------- shebang interpreters (linguist's, plus a few)

_LANGUAGE_INTERPRETERS: Mapping[str, Tuple[str, ...]] = {
    PYTHON: ("python", "python2", "python3", "py", "pypy", "pypy3", "uv"),
    SHELL: ("sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "pdksh", "rc"),
    JAVASCRIPT: ("node", "nodejs", "js", "bun", "deno", "d8", "gjs", "qjs", "rhino", "v8", "v8-shell"),
    TYPESCRIPT: ("ts-node", "tsx"),
    RUBY: ("ruby", "macruby", "rake", "jruby", "rbx"),
    SWIFT: ("swift",),  # `#!/usr/bin/env swift` scripts; not in linguist's list
    KOTLIN: ("kotlin", "kscript"),  # *.main.kts scripts; not in linguist's list
    CSHARP: ("dotnet-script",),  # not in linguist's list
    RUST: ("rust-script",),
    JAVA: ("java",),  # single-file source launch (JEP 330); not in linguist's list
    C: ("tcc",),
    "Perl": ("perl", "cperl"),
    "Raku": ("perl6", "raku", "rakudo"),
    "PHP": ("php",),
    "Lua": ("lua", "luajit"),
    "R": ("Rscript",),
    "Tcl": ("tclsh", "wish"),
    "Tcsh": ("tcsh", "csh"),
    "fish": ("fish",),
    "Awk": ("awk", "gawk", "mawk", "nawk"),
    "sed": ("sed", "gsed"),
    "Makefile": ("make",),
    "AppleScript": ("osascript",),
    "Scala": ("scala",),
    "Groovy": ("groovy",),
    "Elixir": ("elixir",),
    "Erlang": ("escript",),
    "Julia": ("julia",),
    "Haskell": ("runghc", "runhaskell", "runhugs"),
    "OCaml": ("ocaml", "ocamlrun", "ocamlscript"),
    "PowerShell": ("pwsh",),
    "Dart": ("dart",),
    "Crystal": ("crystal",),
}
INTERPRETERS = _invert(_LANGUAGE_INTERPRETERS)
_VERSION_SUFFIX = re.compile(r"[\d.]+$")  # python3.11 -> python


def shebang_language(text: Optional[str]) -> Optional[str]:
    """The language of a `#!` line's interpreter ("/usr/bin/env -S python3 -u" -> Python), or None."""
    if not text or not text.startswith("#!"):
        return None
    words = text[2:text.find("\n") if "\n" in text else len(text)].split()
    if not words:
        return None
    program = posixpath.basename(words[0])
    if program == "env":  # skip env's options and VAR=value assignments
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not rest:
            return None
        program = posixpath.basename(rest[0])
    return INTERPRETERS.get(program) or INTERPRETERS.get(_VERSION_SUFFIX.sub("", program))


# ---------------------------------------------------------------- detection


def _suffixes(name: str) -> Tuple[str, ...]:
    """"index.d.ts" -> (".d.ts", ".ts"): every dotted suffix, longest first; a leading dot is not one."""
    parts = name.lstrip(".").split(".")
    return tuple("." + ".".join(parts[i:]) for i in range(1, len(parts)))


def _resolve(candidates: _Candidates, text: Optional[str]) -> Optional[Detection]:
    if text:
        head = text[:CONTENT_SCAN_CHARS]
        if candidates.c_family:
            head = _C_COMMENTS_AND_STRINGS.sub(" ", head)
        for language, pattern in candidates.rules:
            if pattern.search(head):
                return Detection(language, "content")
    return Detection(candidates.default, "extension") if candidates.default else None


def _by_extension(name: str, text: Optional[str]) -> Optional[Detection]:
    for suffix in _suffixes(name):
        if suffix in _CASE_SENSITIVE_EXTENSIONS:
            return Detection(_CASE_SENSITIVE_EXTENSIONS[suffix], "extension")
        lowered = suffix.lower()
        if lowered in EXTENSIONS:
            return Detection(EXTENSIONS[lowered], "extension")
        if lowered in _AMBIGUOUS:
            return _resolve(_AMBIGUOUS[lowered], text)
    return None


def detect(path: str, text: Optional[str] = None) -> Optional[Detection]:
    """The language of the file at `path` (repository-relative) with content `text`, and how it was decided.

    None when nothing settles it (an unknown extension, a file without extension or shebang).
    Without `text` only the name is used and ambiguous extensions get their default.
    """
    name = posixpath.basename(path.replace("\\", "/"))
    language = FILENAMES.get(name)
    if language:
        return Detection(language, "filename")
    for pattern, language in _NAME_PATTERNS:
        if pattern.match(name):
            return Detection(language, "filename")
    found = _by_extension(name, text)
    if found is None:
        for suffix in _TEMPLATE_SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                found = _by_extension(name[: -len(suffix)], text)
                break
    if found is not None:
        return found
    if _TEXT_NAME.match(name):
        return Detection("Text", "filename")
    language = shebang_language(text)
    return Detection(language, "shebang") if language else None


def detect_language(path: str, text: Optional[str] = None) -> Optional[str]:
    """The linguist name of the file's language ("Python", "C++", "Markdown", ...), or None."""
    found = detect(path, text)
    return found.language if found else None
