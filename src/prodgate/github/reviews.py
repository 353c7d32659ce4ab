"""Who approved the pull request, read from GitHub's REST API.

An approval written into ``ai-asset.yaml`` is only a name the author typed; the review
that person left on the pull request is the proof, when it comes from an account with
write access to the repository (``author_association`` ``OWNER``, ``MEMBER`` or
``COLLABORATOR``), is not the pull request's author's, and approves the head commit. This module reads the pull request
(its current head commit and its author) and its reviews
(``GET /repos/{owner}/{repo}/pulls/{number}/reviews``, every page by ``Link`` header)
once per run, and only when an exception actually needs verifying. ``GITHUB_API_URL``
is honoured (GitHub Enterprise Server), the token goes only to the API's own host
(whatever a ``Link`` header says) and never into a message or a ``repr``. Any API
failure is a :class:`ReviewError` naming the HTTP status: an unverifiable approval is
a configuration problem to fix, never a pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodgate.github.api import (
    MAX_PAGES,
    REPO,
    TIMEOUT,
    ApiError,
    TooManyPages,
    answer,
    open_session,
    pages,
    redact,
)

if TYPE_CHECKING:
    import requests

_FORBIDDEN = "the token cannot read the pull request: give the job `pull-requests: read`"
_PR = re.compile(
    r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?P<number>[1-9][0-9]{0,9})(?:@(?P<sha>[0-9a-f]{40}|[0-9a-f]{64}))?$"
)
_DECISIVE = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
WRITE_ACCESS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
"""``author_association`` values of accounts with write access to the repository, as
GitHub sends them with each review. Anyone can open an account and leave an approving
review (``NONE``, ``CONTRIBUTOR``, ``FIRST_TIME_CONTRIBUTOR``...); only these count."""


class ReviewError(Exception):
    """The reviews could not be read: the message names the HTTP status or the cause."""


@dataclass(frozen=True)
class PullRequestRef:
    api_url: str
    repository: str
    number: int
    head_sha: str | None = None
    """The commit this run checks (the event's ``pull_request.head.sha``). Approvals
    are judged against it, not against whatever head the API reports when it is
    asked: a push during the run must not lend this run approvals given to a newer
    commit it never looked at."""

    @classmethod
    def parse(cls, value: str, api_url: str) -> PullRequestRef | None:
        """``owner/name#123`` or ``owner/name#123@<head sha>``, or None when it is not of that form."""
        found = _PR.match(value.strip())
        if found is None:
            return None
        return cls(api_url.rstrip("/"), found["repo"], int(found["number"]), found["sha"])

    def __str__(self) -> str:
        return f"{self.repository}#{self.number}"


@dataclass(frozen=True)
class Review:
    login: str
    state: str
    commit_id: str
    association: str = "NONE"
    """``author_association``; missing from the payload counts as ``NONE``."""


@dataclass(frozen=True)
class ReviewState:
    """One approver's standing on the pull request's head commit."""

    approved: bool
    state: str
    """``approved``, ``stale``, ``changes requested``, ``dismissed`` or ``no review``."""
    detail: str = ""


@dataclass(frozen=True)
class PullRequestReviews:
    head_sha: str
    author: str
    reviews: tuple[Review, ...]

    def state_of(self, login: str) -> ReviewState:
        """The latest decisive review by ``login`` (comments do not count), judged
        against the head commit: an approval of an older commit is stale, because
        the change it approved is not the change being merged. An approval counts only
        from an account with write access to the repository, never from the pull
        request's author."""
        wanted = login.lower()
        if wanted == self.author.lower():
            return ReviewState(False, "pull request author")
        latest = None
        for review in self.reviews:
            if review.login.lower() == wanted and review.state in _DECISIVE:
                latest = review
        if latest is None:
            return ReviewState(False, "no review")
        if latest.state == "CHANGES_REQUESTED":
            return ReviewState(False, "changes requested")
        if latest.state == "DISMISSED":
            return ReviewState(False, "dismissed")
        if latest.association not in WRITE_ACCESS:
            return ReviewState(
                False, "no write access",
                f"GitHub marks the review author_association {latest.association}: the account has no write "
                "access to the repository",
            )
        if latest.commit_id != self.head_sha:
            return ReviewState(False, "stale", f"approved {latest.commit_id[:12]}, not the head {self.head_sha[:12]}")
        return ReviewState(True, "approved")


class ReviewSource:
    """The reviews of one pull request, fetched on first use and kept for the run."""

    def __init__(self, ref: PullRequestRef, token: str) -> None:
        self.ref = ref
        self._token = token
        self._cached: PullRequestReviews | None = None

    def __repr__(self) -> str:  # never the token
        return f"ReviewSource({self.ref})"

    def get(self) -> PullRequestReviews:
        if self._cached is None:
            try:
                self._cached = self._fetch()
            except ReviewError as exc:
                raise ReviewError(redact(str(exc), self._token)) from None
        return self._cached

    def _fetch(self) -> PullRequestReviews:
        if not REPO.match(self.ref.repository):
            raise ReviewError(f"repository {self.ref.repository!r} is not owner/name")
        import requests

        api = self.ref.api_url
        base = f"{api}/repos/{self.ref.repository}/pulls/{self.ref.number}"
        session = open_session(self._token)
        try:
            with session:
                pr = answer(session.get(base, timeout=TIMEOUT), f"read pull request {self.ref}", _FORBIDDEN)
                head, author = _head_and_author(pr)
                head = self.ref.head_sha or head
                reviews = _reviews(session, f"{base}/reviews", str(self.ref))
        except ApiError as exc:
            raise ReviewError(str(exc)) from None
        except requests.RequestException as exc:
            raise ReviewError(f"cannot reach the GitHub API at {api}: {type(exc).__name__}") from None
        return PullRequestReviews(head, author, reviews)


def _reviews(session: requests.Session, url: str, what: str) -> tuple[Review, ...]:
    try:
        listed = [item for page in pages(session, url, f"list the reviews of pull request {what}", _FORBIDDEN) for item in page]
    except TooManyPages:
        raise ReviewError(f"pull request {what} has more than {MAX_PAGES * 100} reviews; refusing to guess") from None
    return tuple(r for r in map(_review, listed) if r is not None)


def _review(item: Any) -> Review | None:
    if not isinstance(item, dict):
        return None
    user = item.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    state, commit = item.get("state"), item.get("commit_id")
    if not (isinstance(login, str) and isinstance(state, str) and isinstance(commit, str)):
        return None
    association = item.get("author_association")
    return Review(login, state.upper(), commit, association.upper() if isinstance(association, str) else "NONE")


def _head_and_author(pr: Any) -> tuple[str, str]:
    head = pr.get("head") if isinstance(pr, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    user = pr.get("user") if isinstance(pr, dict) else None
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(sha, str) or not isinstance(login, str):
        raise ReviewError("the pull request in the API's answer has no head.sha or user.login")
    return sha, login
