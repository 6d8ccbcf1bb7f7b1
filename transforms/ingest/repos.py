"""Source repositories as documents: one document per file, with repo, path, revision and size in meta.

A repository arrives as
- a git repository (working tree with .git, or bare) read at a revision through the git CLI:
  `git ls-tree` lists the tree, `git cat-file --batch` streams the blobs (no checkout, no temp files;
  symlinks (mode 120000) and submodules (160000) are skipped by mode);
- a plain directory (a checkout without .git, an unpacked dump), walked without following links;
- an archive (.tar.gz, .tgz, .tar, .tar.bz2, .tar.xz, .zip), streamed member by member. GitHub's
  and `git archive`'s archives hold one top directory (`inih-r58/`), which is stripped, and name
  their commit (tar: the pax `comment` header; zip: the archive comment), which becomes the revision.

Language, skip rules (vendored, lock, minified, binary) and the licence are decided later, alike for
every code input (transforms/ingest/code_files.py, stage `license`), so rows of a dump like The
Stack and files of a repository end up with the same meta.
"""
from __future__ import annotations

import os
import posixpath
import re
import subprocess
import tarfile
import zipfile
from typing import Iterator, Optional

from transforms.document import Document, make_document_id
from transforms.ingest.readers import FileContext, ReadFailure, ReadItem, Skipped

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SKIPPED_DIRS = frozenset({".git"})


def repository_name(path: str) -> str:
    """inih.tar.gz -> inih; /repos/inih/ -> inih; /repos/inih.git -> inih."""
    name = posixpath.basename(path.rstrip("/"))
    for suffix in ARCHIVE_SUFFIXES + (".git",):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_git_repository(path: str) -> bool:
    return os.path.isdir(os.path.join(path, ".git")) or (
        os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(os.path.join(path, "objects")))


def _file_document(ctx: FileContext, repo: str, revision: Optional[str], path: str, data: bytes) -> Document:
    locator = f"{repo}@{revision}/{path}" if revision else f"{repo}/{path}"
    text = data.decode("utf-8", errors="replace")
    meta = {**ctx.source_meta, "repo": repo, "path": path, "revision": revision, "size_bytes": len(data)}
    return Document(make_document_id(ctx.source, locator), ctx.source, ctx.kind, f"{repo}/{path}", text=text, meta=meta)


def _too_large(ctx: FileContext, size: int) -> bool:
    return size > ctx.params.max_file_bytes


# ------------------------------------------------------------------------------------------- git


def _git(repo_dir: str, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", repo_dir, *args], capture_output=True, check=False)
    if result.returncode != 0:
        raise ValueError(f"git {' '.join(args)} failed in {repo_dir}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def read_git(repo_dir: str, ctx: FileContext, revision: str = "HEAD") -> Iterator[ReadItem]:
    """Every blob of `revision`'s tree, without a checkout."""
    repo = repository_name(repo_dir)
    commit = _git(repo_dir, "rev-parse", "--verify", f"{revision}^{{commit}}").decode().strip()
    entries = []
    for entry in _git(repo_dir, "ls-tree", "-r", "-z", "--full-tree", "-l", commit).split(b"\0"):
        if not entry:
            continue
        info, path = entry.split(b"\t", 1)
        mode, kind, sha, size = info.split()
        path = path.decode("utf-8", errors="replace")
        if mode == b"120000":
            yield Skipped("symlink")
        elif kind != b"blob":  # a submodule: another repository, read on its own if wanted
            yield Skipped("submodule")
        elif _too_large(ctx, int(size)):
            yield Skipped("file_too_large")
        else:
            entries.append((sha, path))
    if not entries:
        return
    # One cat-file process streams every blob: "<sha> blob <size>\n<bytes>\n" per request.
    with subprocess.Popen(["git", "-C", repo_dir, "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        try:
            for sha, path in entries:
                process.stdin.write(sha + b"\n")
                process.stdin.flush()
                header = process.stdout.readline().split()
                if len(header) != 3:
                    yield ReadFailure(origin=f"{repo}/{path}", error=ValueError(f"git cat-file: {header!r}"))
                    continue
                data = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after the content
                yield _file_document(ctx, repo, commit, path, data)
        finally:
            process.stdin.close()


# ------------------------------------------------------------------------------------- directories


def read_directory(root: str, ctx: FileContext) -> Iterator[ReadItem]:
    """A checkout or an unpacked tree: every regular file below `root`, links not followed."""
    repo = repository_name(root)
    revision = None
    if os.path.isdir(os.path.join(root, ".git")):  # the working tree as it is, named by its HEAD
        try:
            revision = _git(root, "rev-parse", "HEAD").decode().strip()
        except (ValueError, OSError):
            revision = None
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            full = os.path.join(directory, name)
            path = os.path.relpath(full, root).replace(os.sep, "/")
            if os.path.islink(full):
                yield Skipped("symlink")
            elif not os.path.isfile(full):
                yield Skipped("not_a_file")
            elif _too_large(ctx, os.path.getsize(full)):
                yield Skipped("file_too_large")
            else:
                try:
                    with open(full, "rb") as handle:
                        data = handle.read()
                except OSError as error:
                    yield ReadFailure(origin=f"{repo}/{path}", error=error)
                    continue
                yield _file_document(ctx, repo, revision, path, data)


# ---------------------------------------------------------------------------------------- archives


def _strip_top(name: str, top: Optional[str]) -> str:
    return name[len(top):] if top and name.startswith(top) else name


def read_tar(fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    """A tarball, streamed ("r|*": any compression, no seeking)."""
    repo = repository_name(ctx.path)
    top: Optional[str] = None
    revision: Optional[str] = None
    with tarfile.open(fileobj=fileobj, mode="r|*") as archive:
        for index, member in enumerate(archive):
            if index == 0:
                comment = archive.pax_headers.get("comment", "")
                revision = comment if _COMMIT.match(comment) else None
                if member.isdir() and "/" not in member.name.strip("/"):
                    top = member.name.rstrip("/") + "/"
            if member.isdir():
                continue
            path = _strip_top(member.name, top)
            if member.issym() or member.islnk():
                yield Skipped("symlink")
            elif not member.isfile():
                yield Skipped("not_a_file")
            elif _too_large(ctx, member.size):
                yield Skipped("file_too_large")
            else:
                data = archive.extractfile(member).read()
                yield _file_document(ctx, repo, revision, path, data)


def _zip_top(names) -> Optional[str]:
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return None


def read_zip(fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    repo = repository_name(ctx.path)
    with zipfile.ZipFile(fileobj) as archive:
        comment = archive.comment.decode("ascii", errors="replace").strip()
        revision = comment if _COMMIT.match(comment) else None
        members = archive.infolist()
        top = _zip_top([m.filename for m in members])
        for member in members:
            if member.is_dir():
                continue
            path = _strip_top(member.filename, top)
            if (member.external_attr >> 16) & 0o170000 == 0o120000:  # a symlink stored by unix zip
                yield Skipped("symlink")
            elif _too_large(ctx, member.file_size):
                yield Skipped("file_too_large")
            else:
                yield _file_document(ctx, repo, revision, path, archive.read(member))


def read_repository(path: str, fileobj, ctx: FileContext, revision: Optional[str]) -> Iterator[ReadItem]:
    """Dispatch on what `path` is: an archive (read from `fileobj`), a git repository, a directory."""
    lower = path.lower()
    if lower.endswith(".zip"):
        return read_zip(fileobj, ctx)
    if lower.endswith(ARCHIVE_SUFFIXES):
        return read_tar(fileobj, ctx)
    if is_git_repository(path) and (revision is not None or not os.path.isdir(os.path.join(path, ".git"))):
        return read_git(path, ctx, revision or "HEAD")
    return read_directory(path, ctx)

