"""The sticky pull request comment: one comment per gate, updated in place on every run.

The comment is found again by a hidden marker at the start of its body, and only among
the comments the token's own identity wrote: anyone can post a comment that starts with
the marker, and editing theirs would hand them the visible gate result. The identity is
the login ``GET /user`` answers for a personal or user token. An installation token -
the Actions ``GITHUB_TOKEN``, or a GitHub App's - is refused there (403), and ``GET
/app`` wants the app's own JWT; GraphQL's ``viewer`` names it: ``github-actions[bot]``
or ``<app-slug>[bot]``, the author of what the token writes. User logins cannot contain
``[``, so no person can pose as a bot. When neither answers, no comment is edited: a
new one is written. The marker is also escaped wherever it occurs in the content.

Only the REST API is used (``GITHUB_API_URL``, so GitHub Enterprise Server works), and
``requests`` is imported only when a comment is written (:mod:`prodgate.github.api`).

Commenting is a courtesy on top of the gate: a read-only token (pull requests from
forks), a network error or an API error becomes a message for the log, never a failed
gate. The token is sent only to the API's own host and never appears in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodgate.github.api import (
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

COMMENT_LIMIT = 65536
"""GitHub refuses comment bodies longer than this many characters."""

_FORBIDDEN = (
    "the token cannot write to the pull request: pull requests from forks get a read-only token; "
    "grant `pull-requests: write` to the job otherwise"
)

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
"""A GitHub login: a user's, or an app's bot (``<app-slug>[bot]``)."""

_VIEWER = "query { viewer { login } }"

_MARKER_START = "<!-- prodgate:comment"


def marker(gate: str) -> str:
    """The hidden first line that identifies the comment of one gate."""
    return f"<!-- prodgate:comment gate={re.sub(r'[^a-z0-9_]', '', gate.lower())} -->"


def comment_body(markdown: str, mark: str, more_url: str | None = None) -> str:
    """``mark`` then the Markdown, cut at a line end to fit GitHub's comment limit."""
    note = "\n\n> **Truncated** to fit GitHub's comment limit"
    note += f": the full summary is in [the workflow run]({more_url}).\n" if more_url else ".\n"
    # Only the first line may carry the marker: a copy in the content is made inert.
    markdown = markdown.replace(_MARKER_START, "&lt;!-- prodgate:comment")
    body = f"{mark}\n{markdown}"
    if len(body) <= COMMENT_LIMIT:
        return body
    cut = body[: COMMENT_LIMIT - len(note)]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + note


@dataclass(frozen=True)
class Target:
    api_url: str
    repository: str
    number: int


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    url: str | None = None


def upsert_comment(target: Target, token: str, body: str, mark: str, *, timeout: float = TIMEOUT) -> Outcome:
    """Update the comment that starts with ``mark`` and that the token's identity wrote,
    or create it; never raises."""
    if not token:
        return Outcome(False, "no GitHub token given; the pull request comment was skipped")
    if not REPO.match(target.repository):
        return Outcome(False, f"repository {target.repository!r} is not owner/name")
    import requests

    api = target.api_url.rstrip("/")
    session = open_session(token)
    try:
        with session:
            author = _identity(session, api, timeout)
            found = None if author is None else _find(session, api, target, mark, author, timeout)
            if found is not None:
                resp = session.patch(
                    f"{api}/repos/{target.repository}/issues/comments/{found}", json={"body": body}, timeout=timeout
                )
                data = answer(resp, "update the pull request comment", _FORBIDDEN)
                return Outcome(True, "updated the pull request comment", _url(data))
            resp = session.post(
                f"{api}/repos/{target.repository}/issues/{target.number}/comments", json={"body": body}, timeout=timeout
            )
            data = answer(resp, "create the pull request comment", _FORBIDDEN)
            unknown = (
                "; who the token is could not be told (neither GET /user nor GraphQL's viewer answered), "
                "so no earlier comment was edited"
                if author is None else ""
            )
            return Outcome(True, f"created the pull request comment{unknown}", _url(data))
    except ApiError as exc:
        return Outcome(False, redact(str(exc), token))
    except requests.RequestException as exc:
        return Outcome(False, redact(f"cannot reach the GitHub API: {type(exc).__name__}: {exc}", token))


def _identity(session: requests.Session, api: str, timeout: float) -> str | None:
    """The login the token writes as: ``GET /user`` for a user's token, GraphQL's
    ``viewer`` for an installation token; None when neither tells."""
    resp = session.get(f"{api}/user", timeout=timeout)
    if resp.status_code == 200:
        login = _dig(resp, "login")
        if login is not None:
            return login
    resp = session.post(_graphql_url(api), json={"query": _VIEWER}, timeout=timeout)
    return _dig(resp, "data", "viewer", "login") if resp.status_code == 200 else None


def _graphql_url(api: str) -> str:
    """GraphQL's address on the REST API's host: ``https://api.github.com/graphql``, or
    ``https://HOST/api/graphql`` beside GitHub Enterprise Server's ``/api/v3``."""
    return f"{api.removesuffix('/v3')}/graphql"


def _dig(resp: requests.Response, *keys: str) -> str | None:
    """The login at ``keys`` in a JSON answer, if it is one."""
    try:
        data: Any = resp.json()
    except ValueError:
        return None
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, str) and _LOGIN.match(data) else None


def _find(
    session: requests.Session, api: str, target: Target, mark: str, author: str, timeout: float
) -> int | None:
    """The id of the earlier comment: it starts with ``mark`` and ``author`` wrote it."""
    url = f"{api}/repos/{target.repository}/issues/{target.number}/comments"
    try:
        for page in pages(session, url, "list the pull request comments", _FORBIDDEN, timeout):
            for c in page:
                if isinstance(c, dict) and str(c.get("body", "")).lstrip().startswith(mark) and _login(c) == author:
                    cid = c.get("id")
                    return cid if isinstance(cid, int) else None
    except TooManyPages:
        pass  # not among the first pages read: a new comment is written
    return None


def _login(comment: dict[str, Any]) -> str | None:
    user = comment.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) else None


def _url(data: Any) -> str | None:
    url = data.get("html_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) else None


