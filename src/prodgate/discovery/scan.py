"""Select the files to scan and run the detector each one needs.

Files: those git tracks plus untracked ones that ``.gitignore`` does not exclude (``git
ls-files``), or outside a git checkout the working tree; either way without the
catalogue's ``skip_dirs`` (dependencies, virtual environments) and without
declarations. Only files that contain one of the catalogue's literal tokens are
parsed: ``git grep -F`` (or, outside git, one compiled pattern) picks them, so the time
of a scan is that of a grep plus the parsing of the few files that matter. Weights are
picked by name and confirmed by their header. A file that should be read but is too
large or binary is reported as skipped, never silently dropped.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from prodgate.discovery import code, manifests, weights
from prodgate.discovery.catalogue import Catalogue
from prodgate.discovery.lexer import C_STYLE, HASH, NONE
from prodgate.discovery.model import Detection, ScanResult, Skipped

DECLARATION_NAMES = ("ai-asset.yaml", "ai-asset.yml")

# Source files by extension: which detector reads them.
_SOURCE = {
    ".py": "python", ".pyw": "python",
    ".ipynb": "notebook",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".vue": "javascript", ".svelte": "javascript",
    ".go": "go",
    ".java": "jvm", ".kt": "jvm", ".kts": "jvm", ".scala": "jvm", ".groovy": "jvm",
    ".cs": "dotnet",
    ".rs": "rust",
    # Other languages: strings, credentials and constants only.
    ".swift": "code-c", ".c": "code-c", ".cc": "code-c", ".cpp": "code-c", ".h": "code-c",
    ".hpp": "code-c", ".m": "code-c", ".php": "code-c", ".dart": "code-c", ".fs": "code-c",
    ".rb": "code-hash", ".sh": "code-hash", ".bash": "code-hash", ".zsh": "code-hash",
    ".pl": "code-hash", ".r": "code-hash", ".jl": "code-hash", ".ps1": "code-hash",
    # Configuration: everything outside comments counts.
    ".yaml": "config-hash", ".yml": "config-hash", ".toml": "config-hash", ".ini": "config-hash",
    ".cfg": "config-hash", ".conf": "config-hash", ".properties": "config-hash",
    ".env": "config-hash", ".tf": "config-hash", ".tfvars": "config-hash", ".hcl": "config-hash",
    ".json": "config-json",
}
_CONFIG_NAMES = ("dockerfile", "containerfile", "makefile")


def classify(rel: str) -> str | None:
    """What reads a file: a manifest format (``manifest:<format>``), ``weights:<format>``,
    a detector name, or None for files that are never use (prose, images, data)."""
    name = posixpath.basename(rel)
    if name in DECLARATION_NAMES:
        return None
    manifest = manifests.kind_of(rel)
    if manifest is not None:
        return f"manifest:{manifest}"
    fmt = weights.kind_of(rel)
    if fmt is not None:
        return f"weights:{fmt}"
    low = name.lower()
    if low.startswith(".env") or low.endswith(".env"):
        return "config-hash"
    if low in _CONFIG_NAMES or low.startswith("dockerfile") or low.endswith(".dockerfile"):
        return "config-hash"
    return _SOURCE.get(posixpath.splitext(low)[1])


def list_files(root: Path, paths: Sequence[Path], skip_dirs: frozenset[str]) -> list[str]:
    """Repository-relative paths of the files under ``paths`` (default: the root),
    sorted, without skipped folders."""
    rels = [_rel(p, root) for p in paths] if paths else ["."]
    rels = [r for r in rels if r is not None]
    listed = _git_files(root, rels) if (root / ".git").exists() else None
    if listed is None:
        listed = list(_walk(root, rels, skip_dirs))
    return sorted(f for f in listed if not _skipped(f, skip_dirs))


def _rel(path: Path, root: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None
    return rel or "."


def _git(root: Path, args: list[str], stdin: str | None = None) -> str | None:
    # The ceiling keeps git from adopting a repository above ``root`` when ``root``
    # itself is not one.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(root.parent)}
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=root, input=stdin, env=env,
            capture_output=True, text=True, encoding="utf-8", errors="surrogateescape", check=False,
        )
    except OSError:
        return None
    return proc.stdout if proc.returncode in (0, 1) else None


def _git_files(root: Path, rels: list[str]) -> list[str] | None:
    out = _git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *rels])
    if out is None:
        return None
    return sorted({f for f in out.split("\0") if f and (root / f).is_file() and not (root / f).is_symlink()})


def _walk(root: Path, rels: list[str], skip_dirs: frozenset[str]) -> Iterator[str]:
    for rel in rels:
        start = root / rel
        if start.is_file():
            yield rel
            continue
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            dirnames[:] = [d for d in dirnames if d not in skip_dirs and not (Path(dirpath) / d / "pyvenv.cfg").exists()]
            base = Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                full = Path(dirpath) / name
                if not full.is_symlink():
                    yield name if base == "." else f"{base}/{name}"


def _skipped(rel: str, skip_dirs: frozenset[str]) -> bool:
    return any(part in skip_dirs for part in rel.split("/")[:-1])


def scan(
    root: Path,
    cat: Catalogue,
    paths: Sequence[Path] = (),
    files: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan the files under ``paths`` (default: the whole repository), or exactly the
    repository-relative ``files`` given (a change being committed)."""
    root = root.resolve()
    if files is not None:
        listed = sorted({f for f in files if (root / f).is_file() and not (root / f).is_symlink() and not _skipped(f, cat.skip_dirs)})
    else:
        listed = list_files(root, paths, cat.skip_dirs)
    result = ScanResult(files=len(listed))
    readers: dict[str, str] = {}
    result.declarations = [f for f in listed if posixpath.basename(f) in DECLARATION_NAMES]
    for rel in listed:
        kind = classify(rel)
        if kind is None:
            continue
        if kind.startswith("weights:"):
            det = weights.detect(rel, root / rel, kind.split(":", 1)[1])
            if det is not None:
                result.detections.append(det)
            continue
        readers[rel] = kind
    result.readable = sorted(readers)
    scope = [r for r in (_rel(p, root) for p in paths) if r is not None and r != "."]
    candidates = _candidates(root, readers, cat, scope, use_git=files is None and (root / ".git").exists())
    total = len(candidates)
    for done, rel in enumerate(candidates, start=1):
        if progress is not None:
            progress(done, total)
        text = _read(root / rel, rel, cat, result)
        if text is None:
            continue
        result.detections.extend(_detect(rel, text, readers[rel], cat))
    result.detections = sorted(set(result.detections))
    result.skipped.sort()
    return result


def _candidates(root: Path, readers: dict[str, str], cat: Catalogue, scope: list[str], *, use_git: bool) -> list[str]:
    """The files among ``readers`` that contain a catalogue token."""
    if not readers or not cat.tokens:
        return []
    if use_git and len(readers) > 50:
        args = ["grep", "-l", "-z", "-F", "--untracked", "--no-color"]
        for token in cat.tokens:
            args += ["-e", token]
        out = _git(root, [*args, "--", *scope])
        if out is not None:
            hits = {f for f in out.split("\0") if f}
            return sorted(f for f in readers if f in hits)
    found = []
    for rel in sorted(readers):
        try:
            size = (root / rel).stat().st_size
            if size > cat.max_file_bytes:
                found.append(rel)  # reported as skipped when read
                continue
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if cat.prefilter.search(data):
            found.append(rel)
    return found


def _read(path: Path, rel: str, cat: Catalogue, result: ScanResult) -> str | None:
    try:
        size = path.stat().st_size
        if size > cat.max_file_bytes:
            result.skipped.append(Skipped(rel, f"{size:,} bytes, over the scan limit of {cat.max_file_bytes:,}"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        result.skipped.append(Skipped(rel, f"cannot read: {exc.strerror or exc}"))
        return None
    if b"\x00" in data[:8192]:
        result.skipped.append(Skipped(rel, "binary content (NUL bytes) in a text format"))
        return None
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _detect(rel: str, text: str, kind: str, cat: Catalogue) -> Iterator[Detection]:
    if kind.startswith("manifest:"):
        yield from manifests.detect(rel, text, cat, kind.split(":", 1)[1])
    elif kind == "python":
        yield from code.python(rel, text, cat)
    elif kind == "notebook":
        yield from code.notebook(rel, text, cat)
    elif kind == "javascript":
        yield from code.javascript(rel, text, cat)
    elif kind == "go":
        yield from code.golang(rel, text, cat)
    elif kind == "jvm":
        yield from code.jvm(rel, text, cat)
    elif kind == "dotnet":
        yield from code.dotnet(rel, text, cat)
    elif kind == "rust":
        yield from code.rust(rel, text, cat)
    elif kind == "code-c":
        yield from code.generic(rel, text, cat, C_STYLE)
    elif kind == "code-hash":
        yield from code.generic(rel, text, cat, HASH)
    elif kind == "config-hash":
        if "prodgate/policy/v1" not in text:  # a prodgate policy names signatures, it does not use them
            yield from code.config(rel, text, cat, HASH)
    elif kind == "config-json":
        yield from code.config(rel, text, cat, NONE)
