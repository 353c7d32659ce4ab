"""Reading repository files as hostile input.

Every file prodgate reads comes from a change it judges, so reading is bounded (size),
checked (no NUL bytes, valid UTF-8) and confined (a path may not leave the repository,
through ``..``, an absolute path or a symlink). Problems are values, never exceptions,
so one bad file never stops the report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_TEXT_BYTES = 2 * 1024 * 1024
"""Artifacts and declarations larger than this are rejected rather than read."""


@dataclass(frozen=True)
class FileProblem:
    """Why a file could not be used: ``kind`` is one of missing, outside, not_file,
    too_large, binary, not_utf8, unreadable."""

    kind: str
    message: str


def relpath(path: Path, root: Path) -> str:
    """Repository-relative path with ``/``, as every output shows it."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(os.path.relpath(path, root))
    return rel.as_posix()


def resolve_inside(root: Path, base: Path, declared: str) -> Path | FileProblem:
    """Resolve ``declared`` (relative to ``base``) and make sure it stays in ``root``.

    ``root`` must already be resolved. Absolute paths and any path whose resolved form
    (symlinks followed) leaves the repository are refused.
    """
    if not declared.strip():
        return FileProblem("outside", "path is empty")
    if declared.startswith(("/", "\\")) or PurePosixPath(declared).is_absolute() or (
        len(declared) > 1 and declared[1] == ":"
    ):
        return FileProblem("outside", f"path {declared!r} is absolute; use a path relative to the asset")
    if "\x00" in declared:
        return FileProblem("outside", "path contains a NUL byte")
    resolved = resolve(base / declared)
    if isinstance(resolved, FileProblem):
        return FileProblem(resolved.kind, f"path {declared!r} {resolved.message}")
    if resolved != root and root not in resolved.parents:
        how = "through a symlink" if ".." not in PurePosixPath(declared).parts else "with '..'"
        return FileProblem("outside", f"path {declared!r} leaves the repository {how}")
    return resolved


_LOOP = "is a symlink loop (or a chain of symlinks too long to follow)"


def resolve(path: Path) -> Path | FileProblem:
    """``path`` with symlinks followed, or why it cannot be: a symlink loop (or a
    chain too long to follow) is a problem with the file, not an exception."""
    # ``strict=True`` first, because only it reports a loop on every Python: 3.13's
    # lenient ``resolve()`` returns a looping path as it is, and the error surfaced
    # later as the operating system's "Too many levels of symbolic links". A path
    # that does not exist (yet) is resolved leniently, as before.
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        pass
    except (OSError, RuntimeError):  # 3.11-3.12 raise RuntimeError on a loop, 3.13 ELOOP
        return FileProblem("unreadable", _LOOP)
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return FileProblem("unreadable", _LOOP)


def read_text(
    path: Path, max_bytes: int = MAX_TEXT_BYTES, digests: dict[Path, str | None] | None = None
) -> str | FileProblem:
    """Read a UTF-8 text file within the size bound; strip a BOM; keep line endings
    normalised to ``\\n`` so line numbers match what editors show.

    With ``digests``, the sha256 of the bytes read is recorded there under ``path``
    (whether they decode or not): a file the evidence record names is read once for
    both (see :func:`prodgate.evidence.run_digests`)."""
    raw = read_bytes(path, max_bytes)
    if isinstance(raw, FileProblem):
        return raw
    if digests is not None:
        import hashlib  # not at the top: only a run that keeps evidence hashes

        digests[path] = hashlib.sha256(raw).hexdigest()
    return decode_text(raw)


def read_bytes(path: Path, max_bytes: int = MAX_TEXT_BYTES) -> bytes | FileProblem:
    """The bytes of a regular file within the size bound, or why they cannot be had."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return FileProblem("missing", "file does not exist")
    except OSError as exc:
        return FileProblem("unreadable", f"cannot read file: {exc.strerror or exc}")
    if not path.is_file():
        return FileProblem("not_file", "is not a regular file")
    if st.st_size > max_bytes:
        return FileProblem(
            "too_large", f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} bytes"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        return FileProblem("unreadable", f"cannot read file: {exc.strerror or exc}")


def read_regular(
    path: Path | str, limit: int, *, head: bool = False, follow: bool = False
) -> tuple[int, bytes] | FileProblem:
    """The size of a regular file and its bytes: all of them when the size is within
    ``limit`` (none when it is over), or with ``head`` its first ``limit`` bytes.

    Never follows a symlink (a link swapped in for a scanned file could point at
    ``/dev/zero`` or out of the repository; ``follow`` allows it where the user named
    the file) and never waits: the file is opened without blocking and anything but a
    regular file (a FIFO, a device, a socket) is refused before a byte is read.
    """
    import stat

    nofollow = 0 if follow else getattr(os, "O_NOFOLLOW", 0)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | nofollow | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and Path(path).is_symlink():
            return FileProblem("not_file", "is a symlink")
        return FileProblem("unreadable", f"cannot read: {exc.strerror or exc}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return FileProblem("not_file", "is not a regular file (a FIFO, a device or a socket)")
        want = min(st.st_size, limit) if head else (st.st_size if st.st_size <= limit else 0)
        chunks: list[bytes] = []
        while want > 0:
            chunk = os.read(fd, min(want, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
        return st.st_size, b"".join(chunks)
    except OSError as exc:
        return FileProblem("unreadable", f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)


def decode_text(raw: bytes) -> str | FileProblem:
    """Decode bytes as UTF-8 text, refusing binary content."""
    if b"\x00" in raw[:8192]:
        return FileProblem("binary", "file is binary (contains NUL bytes), expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return FileProblem("not_utf8", f"file is not valid UTF-8 (line {line}, byte {exc.start})")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
