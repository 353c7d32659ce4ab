"""Symbolic links and submodules: nothing a listing meets is silently out of sight.

A symlink inside the repository to a file inside it is scanned as its target's content
at the link's path (``bot.py -> notes/draft.txt`` is Python that imports what the text
file says); a symlink that leaves the repository, or that loops, is reported, never
followed (its target is not the repository's file and may be ``/dev/zero``). A git
submodule that is checked out is scanned with its own files listed by git; one that is
not is reported. Reports are PG804, whose severity the policy sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from prodgate.discovery.model import Skipped
from prodgate.fsutil import FileProblem, relpath, resolve


@dataclass
class Links:
    """What the symlinks and submodules of a listing add to a scan."""

    targets: dict[str, str] = field(default_factory=dict)
    """Link (repository-relative) -> the file inside the repository it points to."""
    files: list[str] = field(default_factory=list)
    """Files of checked-out submodules (repository-relative), to be scanned."""
    skipped: list[Skipped] = field(default_factory=list)

    def merge(self, other: Links) -> None:
        self.targets.update(other.targets)
        self.files += other.files
        self.skipped += other.skipped


def follow(
    root: Path, symlinks: Iterable[str], submodules: Iterable[str] = (), read: Callable[[str], bool] = lambda _rel: True
) -> Links:
    """Where each of ``symlinks`` leads, and what each of ``submodules`` holds.
    ``root`` is resolved; ``read`` says which names a scan reads (a link named
    ``card.md`` hides nothing from discovery, wherever it points)."""
    out = Links()
    for rel in symlinks:
        if not read(rel):
            continue
        target = resolve(root / rel)
        if isinstance(target, FileProblem):
            out.skipped.append(Skipped(rel, f"symbolic link that {target.message}, not followed"))
            continue
        if target != root and root not in target.parents:
            out.skipped.append(Skipped(rel, f"symbolic link to {str((root / rel).readlink())!r}, outside the repository"))
            continue
        if target.is_file():
            out.targets[rel] = relpath(target, root)
        # A link to a folder inside the repository: its files are listed at their own
        # paths. A dangling link holds nothing.
    for rel in submodules:
        files = _submodule_files(root / rel)
        if files is None:
            out.skipped.append(Skipped(rel, "git submodule not checked out (run `git submodule update --init`)"))
        else:
            out.files += [f"{rel}/{f}" for f in files if not (root / rel / f).is_symlink()]
    return out


def _submodule_files(path: Path) -> list[str] | None:
    """The files git tracks in a checked-out submodule, or None when it is not
    checked out (an empty folder, or none)."""
    if not (path / ".git").exists():
        return None
    from prodgate.repo import git_ls_files

    return git_ls_files(path, (), regular=True)
