"""The workflow's event payload (``$GITHUB_EVENT_PATH``): which pull request, which base.

A change is judged against its base commit: a pull request's ``pull_request.base.sha``,
or in a merge queue the ``merge_group.base_sha`` that the queued commits are built on.
On both, the policy is read from that base and the declarations are compared with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodgate.github.api import COMMIT

PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target", "pull_request_review"})
"""Events about one pull request: its base commit is what the change is judged against.
``pull_request_review`` re-runs the gate when an approver approves, so a verified
exception takes effect without a new push."""

MERGE_GROUP = "merge_group"
"""A merge queue's run: no pull request, but a base commit the change is judged against."""

CHANGE_EVENTS = PULL_REQUEST_EVENTS | {MERGE_GROUP}
"""Events whose change has a base commit: the policy comes from it, never the change."""


@dataclass(frozen=True)
class PullRequest:
    number: int
    base_sha: str | None
    repository: str | None
    """``owner/name`` of the base repository, where the comment goes."""
    head_sha: str | None = None
    """The head commit the event is about: approvals are verified against it."""


def load_event(path: str | None) -> dict[str, Any] | str:
    """The payload as a mapping, or an error message."""
    if not path:
        return "GITHUB_EVENT_PATH is not set"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        return f"cannot read the event payload {path}: {exc.strerror or exc}"
    except ValueError as exc:
        return f"the event payload {path} is not JSON: {exc}"
    if not isinstance(data, dict):
        return f"the event payload {path} is not a JSON object"
    return data


def pull_request(event: dict[str, Any]) -> PullRequest | None:
    """The pull request the event is about, when it is about one."""
    pr = event.get("pull_request")
    if not isinstance(pr, dict):
        return None
    number = pr.get("number", event.get("number"))
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    base = pr.get("base")
    sha = base.get("sha") if isinstance(base, dict) else None
    head = pr.get("head")
    head_sha = head.get("sha") if isinstance(head, dict) else None
    repo = event.get("repository")
    full_name = repo.get("full_name") if isinstance(repo, dict) else None
    return PullRequest(
        number=number,
        base_sha=sha if isinstance(sha, str) and sha else None,
        repository=full_name if isinstance(full_name, str) and full_name else None,
        head_sha=head_sha if isinstance(head_sha, str) and COMMIT.match(head_sha) else None,
    )


def merge_group_base(event: dict[str, Any]) -> str | None:
    """``merge_group.base_sha`` of a merge queue's event, when it is a full commit id."""
    group = event.get("merge_group")
    sha = group.get("base_sha") if isinstance(group, dict) else None
    return sha if isinstance(sha, str) and COMMIT.match(sha) else None
