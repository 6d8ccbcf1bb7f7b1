"""Files of a repository that are not its own source: skipped by rule, each with a short reason.

    vendored_dir    a copy of someone else's code: node_modules/, bower_components/, vendor/,
                    third_party/, Pods/ (CocoaPods), Carthage/, site-packages/, Godeps/ ...
    vcs_dir         version-control metadata: .git/, .svn/, .hg/, .bzr/
    build_dir       build outputs and tool caches: dist/, DerivedData/, .build/ (SwiftPM),
                    __pycache__/, .tox/, .venv/, .gradle/, .next/, and target/ when it holds
                    Cargo's or Maven's output (target/debug/, target/classes/ ...)
    lock_file       dependency lock files: package-lock.json, yarn.lock, Cargo.lock, poetry.lock,
                    uv.lock, go.sum, Podfile.lock, Package.resolved, any *.lock ...
    generated_file  code generators' outputs, by name: *.pb.go, *_pb2.py, *.pb.swift, *.pbobjc.m,
                    *.designer.cs, *.g.dart ... (generated *markers* in the text are code_quality's)
    minified        *.min.js, *.min.css, *.bundle.js; or a .js/.css file whose lines average more
                    than 110 characters (linguist's minified test)
    source_map      *.js.map, *.css.map
    binary          a binary extension (images, archives, fonts, compiled objects), a NUL byte in
                    the first 8000 characters (git's test) or mostly undecodable text
    symlink         a symbolic link stored as its target path (what a git blob of mode 120000
                    holds): one line, no spaces, a relative or absolute path. Readers that see the
                    tree mode should skip links themselves; this catches links in exported content.

Directory rules match any path segment, so "a/b/node_modules/x.js" is vendored too. Decided
against, because real repositories keep source there:
- build/ : hand-written build scripts and configs live there (Chromium's build/*.py, many JS
  repositories' build/webpack.config.js); generated files in it are caught by the content rules.
- bin/, out/, lib/, external/, deps/, coverage/ : as often source as output.
- target/ as a plain name: Java packages are called "target" (src/main/java/com/x/target/).
- vendors/ (linguist counts it): marketplace applications name a domain package so (app/models/vendors/).
dist/ is kept as a rule although a few repositories keep packaging files there (dist/debian/):
those are rarely one of the 14 languages, while dist/ bundles are common and large.
"""
from __future__ import annotations

import posixpath
import re
from typing import Optional, Sequence

# Lower-cased directory names; Pods and Carthage are matched with their capital (a "pods" package
# in a Kubernetes project is source).
VENDORED_DIRS = frozenset({
    "node_modules", "bower_components", "jspm_packages", "vendor", "third_party", "third-party",
    "thirdparty", "3rdparty", "3rd_party", "3rd-party", "site-packages", "dist-packages", "godeps",
})
VENDORED_DIRS_EXACT_CASE = frozenset({"Pods", "Carthage"})
VCS_DIRS = frozenset({".git", ".svn", ".hg", ".bzr"})
BUILD_DIRS = frozenset({
    "dist", "deriveddata", ".build", "__pycache__", ".tox", ".nox", ".venv", ".gradle", ".next", ".nuxt",
    ".svelte-kit", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".parcel-cache",
})
# target/ only with Cargo's, Maven's or sbt's output right below it.
_BUILD_TARGET = re.compile(
    r"(?:^|/)target/(?:debug|release|classes|test-classes|generated-sources|generated-test-sources|maven-status"
    r"|maven-archiver|surefire-reports|scala-[\d.]+|streams|CACHEDIR\.TAG|\.rustc_info\.json)(?:/|$)")

LOCK_FILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "shrinkwrap.yaml", "bun.lockb", "go.sum",
    "go.work.sum", "Package.resolved", "Cartfile.resolved", "packages.lock.json", "gradle.lockfile",
    "Manifest.toml",  # Julia's
})
LOCK_EXTENSION = ".lock"  # yarn.lock, Cargo.lock, poetry.lock, uv.lock, Gemfile.lock, Podfile.lock, ...

# Protocol Buffers / gRPC, .NET designers, Dart build_runner: outputs named by their generator.
_GENERATED_NAME = re.compile(
    r"(?:\.pb\.(?:go|cc|h|swift|rs|c)|_pb2(?:_grpc)?\.pyi?|\.pbobjc\.[hm]|\.grpc\.swift|_grpc\.pb\.go"
    r"|_(?:grpc_)?pb\.(?:js|d\.ts)|\.designer\.cs|\.g\.(?:i\.)?cs|\.g\.dart|\.freezed\.dart)$",
    re.IGNORECASE)
_MINIFIED_NAME = re.compile(r"[.-]min\.(?:js|mjs|css)$|\.bundle\.js$", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"\.(?:js|mjs|cjs|css)\.map$", re.IGNORECASE)
MINIFIED_EXTENSIONS = (".js", ".mjs", ".cjs", ".css")
MINIFIED_MEAN_LINE_LENGTH = 110  # linguist's Generated#minified_files?: mean line length above 110

BINARY_EXTENSIONS = frozenset({
    # images, audio, video
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".ico", ".icns", ".webp", ".psd", ".heic",
    ".mp3", ".wav", ".ogg", ".flac", ".aac", ".m4a", ".mp4", ".mov", ".avi", ".mkv", ".webm",
    # archives and packages
    ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".jar", ".war", ".aar", ".apk",
    ".ipa", ".dmg", ".iso", ".deb", ".rpm", ".whl", ".egg", ".nupkg", ".gem",
    # compiled code and libraries
    ".o", ".obj", ".a", ".lib", ".so", ".dylib", ".dll", ".exe", ".class", ".pyc", ".pyo", ".wasm",
    ".bin", ".elf", ".car", ".nib",
    # fonts, documents, data and model files
    ".ttf", ".otf", ".woff", ".woff2", ".eot", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
    ".db", ".sqlite", ".sqlite3", ".npy", ".npz", ".pkl", ".pt", ".pth", ".h5", ".onnx", ".tflite",
    ".mlmodel", ".parquet",
})
BINARY_SCAN_CHARS = 8000  # git looks for a NUL byte in the first 8000 bytes
MAX_REPLACEMENT_SHARE = 0.1  # U+FFFD from a lossy decode: above this share the bytes were not text

# A link target: one relative or absolute path, no whitespace (a blob of mode 120000).
_LINK_TARGET = re.compile(r"(?:\.{1,2}/|/)[\w.+@~-]+(?:/[\w.+@~-]+)*/?")
MAX_LINK_LENGTH = 1024


def _directory_reason(directories: Sequence[str]) -> Optional[str]:
    for directory in directories:
        lowered = directory.lower()
        if lowered in VENDORED_DIRS or directory in VENDORED_DIRS_EXACT_CASE:
            return "vendored_dir"
        if lowered in VCS_DIRS:
            return "vcs_dir"
        if lowered in BUILD_DIRS:
            return "build_dir"
    return None


def _name_reason(name: str) -> Optional[str]:
    lowered = name.lower()
    if name in LOCK_FILES or lowered.endswith(LOCK_EXTENSION):
        return "lock_file"
    if _GENERATED_NAME.search(name):
        return "generated_file"
    if _MINIFIED_NAME.search(name):
        return "minified"
    if _SOURCE_MAP.search(name):
        return "source_map"
    if posixpath.splitext(lowered)[1] in BINARY_EXTENSIONS:
        return "binary"
    return None


def looks_binary(text: str) -> bool:
    """A NUL in the head (git's test), or a head that is mostly U+FFFD (undecodable bytes)."""
    head = text[:BINARY_SCAN_CHARS]
    return "\x00" in head or head.count("\ufffd") > MAX_REPLACEMENT_SHARE * len(head)


def looks_like_link(text: str) -> bool:
    """The content is a symlink's target: "../../ranger/config/rc.conf" in ranger's doc/config/rc.conf."""
    return 0 < len(text) <= MAX_LINK_LENGTH and _LINK_TARGET.fullmatch(text) is not None


def looks_minified(name: str, text: str) -> bool:
    """linguist's test for .js/.css: the mean line length is above 110 characters."""
    if not name.lower().endswith(MINIFIED_EXTENSIONS):
        return False
    lines = text.splitlines()
    return bool(lines) and sum(map(len, lines)) / len(lines) > MINIFIED_MEAN_LINE_LENGTH


def skip_reason(path: str, text: Optional[str] = None) -> Optional[str]:
    """Why the repository file at `path` (relative to the repository root) is skipped, or None.

    The path rules run first (no text needed); with `text`, also the content rules: binary,
    symlink stored as text, minified .js/.css.
    """
    path = path.replace("\\", "/").lstrip("/")
    while path.startswith("./"):
        path = path[2:]
    directories = path.split("/")[:-1]
    name = posixpath.basename(path)
    reason = _directory_reason(directories)
    if reason is None and _BUILD_TARGET.search(path):
        reason = "build_dir"
    reason = reason or _name_reason(name)
    if reason is not None or text is None:
        return reason
    if looks_binary(text):
        return "binary"
    if looks_like_link(text):
        return "symlink"
    if looks_minified(name, text):
        return "minified"
    return None
