"""Pure logic for code files from repositories: what language a file is, whether to skip it, its quality.

Nothing here imports Beam; the repository readers and the `code_quality` stage call these functions.

    languages  detect_language(path, text): GitHub linguist's name for the file (the 14 languages
               of the mix, CODE_LANGUAGES, and the common non-language files: Markdown, YAML,
               Makefile, ...), from the file name, the extension, content checks for ambiguous
               extensions (.h: C, C++ or Objective-C) and the shebang
    vendored   skip_reason(path, text): a short reason for files that are not the repository's own
               source (vendored and build directories, lock files, minified or generated-by-name
               files, binaries, symlinks stored as text), or None
    quality    code_quality(text, language, params): StarCoder / The Stack style measurements and
               rules (line lengths, alphanumeric share, non-ASCII share, auto-generated markers,
               embedded data, size) with per-language overrides
"""
