"""On a pull request (and in a merge queue), the policy comes from the base commit,
never from the change.

A pull request that edits the policy file would otherwise judge itself by the policy
it brings: one line (``rules: {PG403: {enabled: false}}``) and the gate is open. So
when the policy is a file inside the repository being checked, it is read with
``git show <base sha>:<path>`` into a temporary file, and if that is impossible the run
stops with a configuration error rather than fall back to the pull request's copy.

A policy outside the workspace (downloaded to ``$RUNNER_TEMP``), ``builtin``, a URL,
or a file in a separate checkout inside the workspace (``actions/checkout`` with
``path:`` of a central policy repository) is not part of the change and is used as it
is. A submodule is part of the change (the pull request can move it), so a policy
inside one is refused.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from prodgate.github.api import COMMIT
from prodgate.gitobjects import has_commit, toplevel


@dataclass(frozen=True)
class FromBase:
    path: Path
    """The temporary file holding the base commit's policy."""
    repo_path: str
    base_sha: str


@dataclass(frozen=True)
class Refused:
    """The policy cannot be taken from the base commit: a configuration error."""

    message: str


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def resolve_policy(
    policy: str, workspace: Path, checked: Path, base_sha: str | None, tmp: Path
) -> str | FromBase | Refused:
    """The policy argument to use, a :class:`FromBase`, or why it cannot be used.

    ``checked`` is the path the gate checks; its git top level is the repository the
    pull request changes.
    """
    if not policy or policy == "builtin" or re.match(r"^[a-z][a-z0-9+.-]*://", policy):
        return policy
    # Paths are compared as written, not through symlinks: the pull request could turn
    # a folder on the way into a symlink that leads out of the repository.
    ws_lexical = Path(os.path.normpath(Path.cwd() / workspace))
    raw = Path(os.path.normpath(ws_lexical / policy))
    if not _inside(raw, ws_lexical):
        return policy
    target = workspace.resolve() / raw.relative_to(ws_lexical)
    where = f"policy {policy!r}"
    repo = toplevel(checked if checked.is_dir() else checked.parent)
    if repo is None:
        return Refused(
            f"{where} is inside the workspace but the checked path is not a git checkout, so it "
            "cannot be read from the pull request's base commit; check the repository out with "
            "git (actions/checkout), or keep the policy outside the workspace"
        )
    if not _inside(target, repo):
        return policy  # a separate checkout beside the repository
    own = toplevel(target.parent) if target.parent.is_dir() else repo
    if own is not None and own != repo:
        mode = _git(repo, "ls-files", "--stage", "--", own.relative_to(repo).as_posix()).stdout
        if mode.startswith("160000"):
            return Refused(
                f"{where} is inside a submodule, which the pull request can move; keep the "
                "policy in the repository itself or in a separate checkout"
            )
        return policy  # a separate checkout nested in the workspace
    if not base_sha or not COMMIT.match(base_sha):
        return Refused(
            f"{where}: the event payload has no base commit (pull_request.base.sha, or merge_group.base_sha "
            "in a merge queue) to read the policy from"
        )
    rel = target.relative_to(repo).as_posix()
    if not has_commit(repo, base_sha):
        _git(repo, "fetch", "--no-tags", "--depth=1", "origin", base_sha)
    if not has_commit(repo, base_sha):
        return Refused(
            f"{where}: the base commit {base_sha[:12]} is not in the checkout and could not be "
            "fetched; use actions/checkout with fetch-depth: 0"
        )
    shown = subprocess.run(
        ["git", "show", f"{base_sha}:{rel}"], cwd=repo, capture_output=True, check=False, timeout=120
    )
    if shown.returncode != 0:
        return Refused(
            f"{where}: {rel} does not exist in the base commit {base_sha[:12]}; a pull request "
            "cannot bring the policy that judges it (merge the policy first)"
        )
    out = tmp / f"base-{base_sha[:12]}" / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(shown.stdout)
    return FromBase(out, rel, base_sha)
