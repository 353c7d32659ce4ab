"""Select the files to scan and run the detector each one needs.

Files: every file git tracks, wherever it is, plus untracked ones that ``.gitignore``
does not exclude and that are outside the catalogue's ``skip_dirs`` (dependencies,
virtual environments), listed by :func:`prodgate.repo.git_ls_files`; or outside a git
checkout the working tree without those folders. Declarations are never use. Only files that contain one of the catalogue's literal tokens are
parsed: ``git grep -F`` (or, outside git, one compiled pattern) picks them, so the time
of a scan is that of a grep plus the parsing of the few files that matter. Weights are
picked by name and confirmed by their header. A file that should be read but is too
large or binary is reported as skipped, never silently dropped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from prodgate.discovery import links, manifest_names, shebang, spelling, weights
from prodgate.discovery.catalogue import Catalogue
from prodgate.discovery.grep import scope_of, start_grep
from prodgate.discovery.links import Links
from prodgate.discovery.model import (
    HCL_SCAN_BYTES,
    SORT_KEY,
    Detection,
    ParseBudget,
    ScanResult,
    Skipped,
    is_terraform,
)
from prodgate.fanout import Fanout
from prodgate.fsutil import FileProblem, read_regular

if TYPE_CHECKING:
    import subprocess

DECLARATION_NAMES = ("ai-asset.yaml", "ai-asset.yml")

# Source files by extension: which detector reads them.
_SOURCE = {
    ".py": "python", ".pyw": "python",
    ".pth": "python",  # site runs its lines that start with "import" at every start-up
    ".ipynb": "notebook",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".vue": "javascript", ".svelte": "javascript", ".html": "html", ".htm": "html",
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
    ".tofu": "config-hash", ".bicep": "code-c",
    ".json": "config-json", ".jsonl": "jsonl",
}
_CONFIG_NAMES = ("dockerfile", "containerfile", "makefile")


def classify(rel: str) -> str | None:
    """What reads a file: a manifest format (``manifest:<format>``), ``weights:<format>``,
    a detector name, or None for files that are never use (prose, images, data)."""
    name = rel.rsplit("/", 1)[-1]
    if name in DECLARATION_NAMES:
        return None
    low = name.lower()
    dot = low.rfind(".")
    ext = low[dot:] if dot > 0 else ""
    source = _SOURCE.get(ext)
    if source is not None and ext not in _MAYBE_MANIFEST:
        return source
    manifest = manifest_names.kind_of(rel)
    if manifest is not None:
        return f"manifest:{manifest}"
    fmt = weights.kind_of(rel)
    if fmt is not None:
        return f"weights:{fmt}"
    if low.startswith(".env") or low.endswith(".env"):
        return "config-hash"
    if low in _CONFIG_NAMES or low.startswith(("dockerfile", "containerfile")) or low.endswith((".dockerfile", ".containerfile")):
        return "config-hash"
    return source


# Extensions a manifest can have: these names are looked up as manifests first.
_MAYBE_MANIFEST = frozenset({".toml", ".json", ".yaml", ".kts", ".cfg", ".txt", ".in", ".xml", ".lock", ".gradle"})


class _Listing:
    """The files to scan and, in a git checkout, the ones among them that git grep
    found a token in (None: not known, test each file in Python).

    In a git checkout the tracked files are known first; git grep's findings are read
    as it reports them (:meth:`stream`), so files are parsed while it still searches,
    and the untracked files are listed meanwhile (:meth:`complete`)."""

    def __init__(
        self,
        files: list[str] | None,
        grep: subprocess.Popen[bytes] | None = None,
        *,
        tracked: frozenset[str] = frozenset(),
        others: subprocess.Popen[bytes] | None = None,
        finish: Callable[[list[str] | None], list[str]] | None = None,
    ) -> None:
        self._files = files
        self._grep = grep
        self._hits: set[str] | None = None
        self.tracked = tracked
        """Tracked regular files (in a git checkout): what git grep searches."""
        self._others = others
        self._finish = finish
        self.untested: frozenset[str] = frozenset()
        """Files git grep did not search (untracked): tested in Python."""
        self.links = Links()
        """Symlinks followed inside the repository, submodules' files, what was not read."""

    def stream(self) -> Iterator[str]:
        """The tracked files git grep finds a token in, as it reports them; once it is
        done, :attr:`hits` holds them all (None when it failed: then every file is
        tested in Python)."""
        proc, self._grep = self._grep, None
        if proc is None or proc.stdout is None:
            return
        found: set[str] = set()
        rest = b""
        fd = proc.stdout.fileno()  # read as it comes, not when the pipe is full or closed
        while chunk := os.read(fd, 1 << 16):
            *names, rest = (rest + chunk).split(b"\0")
            for raw in names:
                rel = os.fsdecode(raw)
                if rel and rel not in found:
                    found.add(rel)
                    yield rel
        proc.stdout.close()
        proc.wait()
        self._hits = found if proc.returncode in (0, 1) else None

    @property
    def hits(self) -> set[str] | None:
        if self._grep is not None:
            for _ in self.stream():
                pass
        return self._hits

    def complete(self) -> list[str]:
        """Every file to scan, sorted (waiting for the untracked listing)."""
        if self._files is None:
            from prodgate.repo import ls_files_result

            assert self._finish is not None
            others = ls_files_result(self._others, untracked=True)
            self._files = self._finish(others)
            self.untested = frozenset(f for f in self._files if f not in self.tracked)
        return self._files

    @property
    def files(self) -> list[str]:
        return self.complete()


def _list_and_grep(
    root: Path, paths: Sequence[Path], cat: Catalogue, grep: subprocess.Popen[bytes] | None = None
) -> _Listing:
    """Tracked files (without symlinks and submodules), untracked files that
    ``.gitignore`` does not exclude, and ``git grep`` over the tracked ones, the three
    git processes run at once. Outside git (or without git) the tree is walked.

    In a git checkout a tracked file is never skipped, whatever folder it is in: a
    change must not hide ``vendor/bot.py`` from the gate by its folder's name. The
    catalogue's ``skip_dirs`` (and virtual environments) apply to untracked files and
    to the walk outside git only, as for the declaration search. ``grep``: git grep
    already started by the caller, over the same paths with the catalogue's pattern.
    """
    from prodgate.repo import git_output, ls_files_result, start_ls_files

    scope = scope_of(root, paths)

    symlinks: list[str] = []

    def walk() -> list[str]:
        return sorted(_walk(root, scope or ["."], cat.skip_dirs, symlinks))

    if (root / ".git").exists():
        # git grep searches while the listing is read and the files it finds are parsed.
        pending = grep if grep is not None else start_grep(root, paths, cat.grep_pattern if cat.tokens else "")
        procs = (start_ls_files(root, tuple(scope), alone=True), start_ls_files(root, tuple(scope), untracked=True, alone=True))
        special: list[tuple[str, str]] = []
        tracked = ls_files_result(procs[0], regular=True, others=special)
        if tracked is not None:
            regular = frozenset(tracked)
            linked = links.follow(
                root, [p for m, p in special if m == "120000"], [p for m, p in special if m == "160000"], _readable_name
            )

            def finish(others: list[str] | None) -> list[str]:
                if others is None:  # git listed the tracked files, not the others: walk
                    return walk()
                extra = [*linked.targets, *linked.files]
                if not others and not extra:
                    return sorted(tracked)  # as git sorts it, nearly always: one pass
                from prodgate.manifest.discover import in_skipped_folder

                venvs: dict[str, bool] = {}
                kept = [f for f in others if not in_skipped_folder(root, f, cat.skip_dirs, venvs)]
                symlinks = [f for f in kept if (root / f).is_symlink()]
                if symlinks:
                    linked.merge(links.follow(root, symlinks, read=_readable_name))
                untracked = set(kept) - set(symlinks)
                return sorted(regular | untracked | set(linked.targets) | set(linked.files))

            listing = _Listing(None, pending, tracked=regular, others=procs[1], finish=finish)
            listing.links = linked
            return listing
        git_output(procs[1])
        git_output(pending, ok=(0, 1))
    else:
        git_output(grep, ok=(0, 1))
    listing = _Listing(walk())
    listing.links = links.follow(root, symlinks, read=_readable_name)
    listing._files = sorted([*listing.files, *listing.links.targets])
    return listing


def list_files(root: Path, paths: Sequence[Path], skip_dirs: frozenset[str]) -> list[str]:
    """Repository-relative paths of the files under ``paths`` (default: the root),
    sorted: in a git checkout every tracked file and the untracked ones outside skipped
    folders, elsewhere the tree without skipped folders."""
    from prodgate.discovery.catalogue import Catalogue as _Cat

    return _list_and_grep(root, paths, _Cat([], max_file_bytes=1, skip_dirs=skip_dirs)).files


def _walk(root: Path, rels: list[str], skip_dirs: frozenset[str], symlinks: list[str] | None = None) -> Iterator[str]:
    """The files under ``rels``; symlinks are not yielded but added to ``symlinks``."""
    for rel in rels:
        start = root / rel
        if start.is_symlink():
            if symlinks is not None:
                symlinks.append(rel)
            continue
        if start.is_file():
            yield rel
            continue
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            dirnames[:] = [d for d in dirnames if d not in skip_dirs and not (Path(dirpath) / d / "pyvenv.cfg").exists()]
            base = Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                rel_name = name if base == "." else f"{base}/{name}"
                if not (Path(dirpath) / name).is_symlink():
                    yield rel_name
                elif symlinks is not None:
                    symlinks.append(rel_name)


def scan(
    root: Path,
    cat: Catalogue,
    paths: Sequence[Path] = (),
    files: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    grep: subprocess.Popen[bytes] | None = None,
    evidence: frozenset[str] = frozenset(),
) -> ScanResult:
    """Scan the files under ``paths`` (default: the whole repository), or exactly the
    repository-relative ``files`` given (a change being committed). ``grep``: git grep
    of the catalogue's pattern over ``paths``, already started (:func:`start_grep`).
    ``evidence``: files not parsed, being a declaration's own evidence (what
    :func:`prodgate.discovery.reconcile.attribute` leaves out): an eval results file
    names its model on every row, and 20,000 detections nobody reports cost more than
    the rest of the gate.

    The cyclic garbage collector is paused meanwhile: the syntax trees of the files
    parsed (millions of nodes in a large tree, none in a cycle) would otherwise set
    off collections that walk every object built so far and free nothing, a third of
    the time of ``ast.parse`` on a large file."""
    from prodgate.gcpause import paused

    with paused():
        return _scan(root, cat, paths, files, progress, grep, evidence)


def _scan(
    root: Path,
    cat: Catalogue,
    paths: Sequence[Path],
    files: Iterable[str] | None,
    progress: Callable[[int, int], None] | None,
    grep: subprocess.Popen[bytes] | None,
    evidence: frozenset[str],
) -> ScanResult:
    root = root.resolve()
    if files is not None:
        # The files of a change (or named on the command line) are scanned wherever
        # they are: no folder name hides what a change adds.
        given = set(files)
        listing = _Listing(sorted({f for f in given if (root / f).is_file() and not (root / f).is_symlink()}))
        listing.links = links.follow(root, sorted(f for f in given if (root / f).is_symlink()), read=_readable_name)
        listing._files = sorted([*listing.files, *listing.links.targets])
    else:
        listing = _list_and_grep(root, paths, cat, grep)
    result = ScanResult()
    parsed: set[str] = set()
    hcl = ParseBudget(HCL_SCAN_BYTES)
    # Files are parsed in worker processes once there are many (prodgate.fanout); a
    # Terraform file here, in order, so that which files the scan's HCL budget covers
    # does not depend on which worker finished first.
    fan: Fanout[_Job, _Parsed] = Fanout(_parse_files, cat)
    base = str(root).rstrip("/") + "/"  # files are named from it by text: no Path per file

    def parse(rel: str, kind: str, total: int, read: tuple[int, bytes] | FileProblem | None = None) -> None:
        parsed.add(rel)
        if rel in evidence:
            return  # tracked, and streamed while git grep searches
        if progress is not None:
            progress(len(parsed), total)
        job = (rel, base + listing.links.targets.get(rel, rel), kind, read)
        if is_terraform(rel):
            dets, skipped = _parse_file(cat, job, hcl)
            result.detections += dets
            result.skipped += skipped
        else:
            fan.add(job)

    with fan:  # the workers stop however the scan ends
        # While git grep searches: the tracked files it reports are parsed at once.
        for rel in listing.stream():
            if rel in listing.tracked and (kind := _kind(root, rel)) is not None and not kind.startswith("weights:"):
                parse(rel, kind, 0)
        listed = listing.complete()
        result.files, result.listed = len(listed), listed
        result.declarations, maybe_weights = _by_name(listed)
        # Where editors and agents read MCP servers: read by name, whatever words they hold.
        from prodgate.discovery.mcp_config import named

        for rel in named(listed):
            if rel not in parsed and (kind := _kind(root, rel, listing.links.targets)) is not None and kind.startswith("config-"):
                parse(rel, kind, 0)
        for rel in maybe_weights:
            if rel in listing.links.targets:
                continue  # the file it points to is the repository's weights, found at its own path
            low = rel.lower()
            if not low.endswith(_WEIGHTS_SUFFIXES) and not ("pytorch_model" in low and low.endswith(".bin")):
                continue  # most files: not weights by name
            kind = classify(rel)
            if kind is not None and kind.startswith("weights:"):
                det = weights.detect(rel, root / rel, kind.split(":", 1)[1])
                if isinstance(det, FileProblem):
                    result.skipped.append(Skipped(rel, det.message))
                elif det is not None:
                    result.detections.append(det)
        # Then the files git grep did not search (untracked files, or every file outside
        # git or when it failed), tested in Python.
        hits = listing.hits
        pool = listed if hits is None else sorted(listing.untested)
        readers = {
            rel: kind for rel in pool
            if rel not in parsed and rel not in evidence and (kind := _kind(root, rel, listing.links.targets)) is not None
            and not kind.startswith("weights:")
        }
        # Each is read once: the bytes the prefilter searched are the ones parsed. The
        # count is known once the last is found, so it is parsed with the total.
        last: tuple[str, tuple[int, bytes] | FileProblem] | None = None
        result.skipped += listing.links.skipped
        for found in _candidates(root, readers, cat, listing.links.targets):
            if last is not None:
                parse(last[0], readers[last[0]], 0, last[1])
            last = found
        if last is not None:
            parse(last[0], readers[last[0]], len(parsed) + 1, last[1])
        elif progress is not None and parsed:
            progress(len(parsed), len(parsed))  # the count is complete
        for dets, skipped in fan.results():
            result.detections += dets
            result.skipped += skipped
    # Deduplicated by their sort keys (tuples, hashed in C), not by the dataclass's
    # hash, a Python call per detection: a third of the time on 21,000 detections.
    keyed = dict(zip(map(SORT_KEY, result.detections), result.detections, strict=True))
    result.detections = [det for _key, det in sorted(keyed.items())]
    result.skipped.sort()
    return result


_WEIGHTS_SUFFIXES = tuple(weights.EXTENSIONS)


def _readable_name(rel: str) -> bool:
    """Whether a scan reads a file of this name (a script without an extension may be
    one): a symlink of another name hides nothing."""
    return classify(rel) is not None or shebang.has_no_extension(rel)


def _kind(root: Path, rel: str, targets: dict[str, str] | None = None) -> str | None:
    """:func:`classify`, and for a file whose name has no extension, the language its
    shebang names (a script without ``.py`` is still Python; a link's, its target's)."""
    kind = classify(rel)
    if kind is None and shebang.has_no_extension(rel):
        return shebang.kind_of(root / (targets or {}).get(rel, rel))
    return kind


def _by_name(listed: list[str]) -> tuple[list[str], list[str]]:
    """The declarations among ``listed``, and the files that may be weights by their
    name (a weights suffix or ``.bin``, in any case), in order. Found by two searches
    of the names joined (this runs once git grep is done, so its time is the scan's
    last): not one test of each of tens of thousands of names."""
    import re

    joined = "\0".join(listed) + "\0"  # a path holds no NUL byte
    if not joined.isascii():  # case folding beyond ASCII: each name tested as it is
        return [f for f in listed if f.rsplit("/", 1)[-1] in DECLARATION_NAMES], listed
    declarations = [
        joined[joined.rfind("\0", 0, m.start()) + 1 : m.end() - 1]
        for m in re.finditer(r"ai-asset\.ya?ml\0", joined)
        if m.start() == 0 or joined[m.start() - 1] in "\0/"
    ]
    low = joined.lower()  # ASCII: the same offsets
    suffixes = "|".join(re.escape(s) for s in (*_WEIGHTS_SUFFIXES, ".bin"))
    weights_named = [joined[low.rfind("\0", 0, m.end() - 1) + 1 : m.end() - 1] for m in re.finditer(f"(?:{suffixes})\0", low)]
    return declarations, weights_named


def readable(listed: Iterable[str]) -> list[str]:
    """The files among ``listed`` that a detector reads (source, configuration and
    manifests; not weights, prose or data)."""
    return [rel for rel in listed if (kind := classify(rel)) is not None and not kind.startswith("weights:")]


def _candidates(
    root: Path, readers: dict[str, str], cat: Catalogue, targets: dict[str, str] | None = None
) -> Iterator[tuple[str, tuple[int, bytes] | FileProblem]]:
    """The files among ``readers`` that contain a catalogue token, by the compiled
    prefilter, each with what reading it gave (parsed from those bytes, not read
    again). Files over the size limit, or that cannot be read, are kept, to be
    reported as skipped."""
    if not readers or not cat.tokens:
        return
    for rel in sorted(readers):
        read = read_regular(root / (targets or {}).get(rel, rel), cat.max_file_bytes)
        if (
            isinstance(read, FileProblem) or read[0] > cat.max_file_bytes
            or cat.prefilter.search(read[1]) or spelling.marked(read[1])
        ):
            yield rel, read


_Job = tuple[str, str, str, "tuple[int, bytes] | FileProblem | None"]
"""A file to parse: its path in the repository, where to read it (a link's target),
its kind, and what reading it gave when the prefilter read it already."""
_Parsed = tuple[list[Detection], list[Skipped]]


def _parse_files(cat: Catalogue, jobs: list[_Job]) -> list[_Parsed]:
    """What each file shows, or why it was not read (a :class:`Fanout`'s work)."""
    return [_parse_file(cat, job, None) for job in jobs]


def _parse_file(cat: Catalogue, job: _Job, hcl: ParseBudget | None) -> _Parsed:
    rel, source, kind, read = job
    skipped: list[Skipped] = []
    texts = _read(rel, read_regular(source, cat.max_file_bytes) if read is None else read, cat, skipped)
    return ([] if texts is None else list(_detect(rel, *texts, kind, cat, hcl))), skipped


def _read(rel: str, read: tuple[int, bytes] | FileProblem, cat: Catalogue, skipped: list[Skipped]) -> tuple[str, str] | None:
    """The text of a file to parse, from what :func:`read_regular` gave, and that text
    with escapes and look-alike letters folded (:func:`spelling.plain`); why not, in
    ``skipped``, or None without a word when nothing in it is a token."""
    if isinstance(read, FileProblem):
        skipped.append(Skipped(rel, read.message))
        return None
    size, data = read
    if size > cat.max_file_bytes:
        skipped.append(Skipped(rel, f"{size:,} bytes, over the scan limit of {cat.max_file_bytes:,}"))
        return None
    decoded = spelling.decode(data)
    if decoded is None:
        skipped.append(Skipped(rel, "binary content (NUL bytes) in a text format"))
        return None
    text, transcoded = decoded
    # What may be spelt otherwise (UTF-16, escapes, look-alike letters) was kept by
    # the prefilter for what it may say: it is read when, folded, it holds a token.
    view = spelling.plain(text)
    if (transcoded or view is not text) and cat.token_re.search(view) is None:
        return None
    return text, view


def _detect(rel: str, text: str, view: str, kind: str, cat: Catalogue, hcl: ParseBudget | None) -> Iterator[Detection]:
    """What one file shows. ``view``: ``text`` folded (:func:`spelling.plain`), for the
    searches that decide whether to read it and for configuration, whose text is its
    values; parsers and lexers read ``text`` and fold what they find in strings."""
    # The source detectors and their patterns are loaded with the first file to read.
    from prodgate.discovery import code
    from prodgate.discovery.lexer import C_STYLE, HASH

    if kind.startswith("config-"):
        from prodgate.discovery import mcp_config  # MCP servers an editor or agent starts

        yield from mcp_config.detect(rel, text)
    if kind.startswith(("code-", "config-")):
        from prodgate.discovery import infra  # what infrastructure, containers and CI show

        yield from infra.detect(rel, text, kind, cat, hcl)
    if kind.startswith("manifest:"):
        from prodgate.discovery import manifests

        yield from manifests.detect(rel, text, cat, kind.split(":", 1)[1])
    elif kind == "python":
        from prodgate.discovery import agents  # agents, their tools, MCP servers

        reading = code.python_reading(view, cat)
        tree = agents.parse(text)  # parsed once for both, when agents can be there
        if reading is not None:
            yield from code.python(rel, text, cat, imports_only=reading == "imports", tree=tree)
        if tree is not None:
            yield from agents.of_tree(rel, tree, view)
    elif kind == "notebook":
        yield from code.notebook(rel, text, cat)
        from prodgate.discovery import agents

        yield from agents.notebook(rel, text)
    elif kind in ("javascript", "html"):
        if kind == "html":  # a page's inline scripts, where they stand; the rest is shown, not run
            from prodgate.discovery.html import scripts_only

            text = scripts_only(text)
        yield from code.javascript(rel, text, cat)
        from prodgate.discovery import agents_js  # agents, their tools, MCP servers

        yield from agents_js.javascript(rel, text)
    elif kind == "go":
        yield from code.golang(rel, text, cat)
    elif kind == "jvm":
        # Java reads \uXXXX escapes anywhere in a source file, before it lexes it
        # (import com.\u006fpenai...); Kotlin, Scala and Groovy only in strings.
        yield from code.jvm(rel, view if rel.endswith(".java") else text, cat)
    elif kind == "dotnet":
        yield from code.dotnet(rel, view, cat)  # C# reads them in identifiers too
    elif kind == "rust":
        yield from code.rust(rel, text, cat)
    elif kind.startswith(("code-", "config-")) and cat.literals.search(view) is None and (
        not kind.endswith("-hash") or cat.command_words.search(view) is None
    ):
        return  # strings, credentials, constants, values and commands: none of the catalogue's
    elif kind == "code-c":
        yield from code.generic(rel, text, cat, C_STYLE)
    elif kind == "code-hash":
        yield from code.generic(rel, text, cat, HASH)
    elif kind == "config-hash":
        # A prodgate policy's discovery section names signatures; it does not use them.
        section = code.policy_signatures(text)
        for det in code.config(rel, view, cat, HASH):
            if section is None or not section[0] <= det.line <= section[1]:
                yield det
    elif kind == "config-json":
        yield from code.json_values(rel, view, cat, data=code.json_is_data(rel, view))
    elif kind == "jsonl":
        from prodgate.discovery import infra

        yield from infra.batch(rel, text, cat)
