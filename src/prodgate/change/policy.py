"""With ``--base``, a policy file inside the repository is read from the base commit.

The GitHub Action already judges a pull request by its base commit's policy; the
command line does the same when it is given the base (``prodgate check --base
origin/main --policy .github/prodgate-policy.yaml``, and the pre-commit hook with
``--base``), so that a local run and CI agree and a change never judges itself by the
policy it brings. The edit itself is reported as PG702.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from prodgate import gitobjects

MAX_POLICY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class BasePolicy:
    path: Path
    """A temporary file holding the base commit's bytes."""
    label: str
    """How reports name it: ``<path> at <base sha>``."""
    rel: str


def policy_at_base(policy: str | None, base: str, root: Path) -> BasePolicy | str | None:
    """The base commit's copy of a repository policy file, an error message, or None
    when the policy is not a file of this repository (built-in, a URL, elsewhere)."""
    if not policy or policy == "builtin" or "://" in policy:
        return None
    top = gitobjects.toplevel(root)
    if top is None:
        return None
    try:
        rel = Path(policy).resolve().relative_to(top).as_posix()
    except (ValueError, OSError):
        return None
    sha = gitobjects.resolve_commit(top, base)
    if sha is None:
        return (
            f"--policy {policy}: the base commit {base} is not in this checkout, so the policy cannot be read "
            "as it was there (a change is never judged by its own policy); fetch the base (fetch-depth: 0)"
        )
    blob = gitobjects.git(top, "rev-parse", "--verify", "--quiet", f"{sha}:{rel}")
    blob_id = blob.stdout.decode("ascii", "replace").strip()
    data = gitobjects.read_blob(top, blob_id, MAX_POLICY_BYTES) if blob.returncode == 0 and blob_id else None
    if data is None:
        return (
            f"--policy {policy}: {rel} does not exist in the base commit {sha[:12]}; a change cannot bring the "
            "policy that judges it (merge the policy first)"
        )
    out = Path(tempfile.mkdtemp(prefix="prodgate-base-")) / Path(rel).name
    out.write_bytes(data)
    return BasePolicy(out, label(rel, sha), rel)


def label(rel: str, commit: str) -> str:
    """How reports name a policy read from a commit: its path in the repository and the
    commit (``.github/prodgate-policy.yaml at 1a2b3c4d5e6f``), never the temporary copy
    it was read into, which names a runner's folder and nothing a reader can open."""
    return f"{rel} at {commit[:12]}"
