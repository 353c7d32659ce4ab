"""The small part of GitHub's REST API client that the comment and the review reader share.

``requests`` is imported only when a session is opened, so a run that never talks to
GitHub never loads it. The token goes into the ``Authorization`` header and nowhere
else: messages built from answers are passed through :func:`redact` before anyone sees
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import requests

TIMEOUT = 15.0

MAX_PAGES = 50
"""Pages of 100 items read at most from one list."""

REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
"""``owner/name``: the only repository form put into an API path or a link."""

COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
"""A full commit id (SHA-1 or SHA-256)."""


class ApiError(Exception):
    """An answer that is not what was asked for; the message names the HTTP status."""


def open_session(token: str) -> requests.Session:
    import requests

    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "prodgate",
        }
    )
    return session


def answer(resp: requests.Response, what: str, forbidden: str = "") -> Any:
    """The JSON of a successful answer; otherwise :class:`ApiError` saying what could
    not be done, the HTTP status, GitHub's message, and ``forbidden`` as the hint for
    401/403/404 (a rate limit gets its own hint)."""
    if resp.status_code >= 400:
        detail = ""
        try:
            payload = resp.json()
            if isinstance(payload, dict) and isinstance(payload.get("message"), str):
                detail = f": {payload['message'][:200]}"
        except ValueError:
            pass
        limited = resp.status_code == 429 or (
            resp.status_code == 403 and resp.headers.get("X-RateLimit-Remaining") == "0"
        )
        if limited:
            hint = " (API rate limit exceeded; re-run the job later)"
        elif resp.status_code in (401, 403, 404) and forbidden:
            hint = f" ({forbidden})"
        else:
            hint = ""
        raise ApiError(f"cannot {what}: HTTP {resp.status_code}{detail}{hint}")
    try:
        return resp.json()
    except ValueError:
        raise ApiError(f"cannot {what}: the answer is not JSON") from None


class TooManyPages(ApiError):
    """The list goes on past :data:`MAX_PAGES` pages."""


def pages(session: requests.Session, url: str, what: str, forbidden: str, timeout: float = TIMEOUT) -> Iterator[list[Any]]:
    """Each page of the list at ``url`` (100 items a page), following ``Link: rel=next``
    only to the API's own host: the session carries the token, whatever a ``Link``
    header says. :class:`ApiError` for an answer that is not a list, and
    :class:`TooManyPages` when a next page remains after :data:`MAX_PAGES`; the caller
    may stop early."""
    origin = urlsplit(url)[:2]
    next_url: str | None = url
    params: dict[str, Any] | None = {"per_page": 100}
    for _ in range(MAX_PAGES):
        if next_url is None:
            return
        resp = session.get(next_url, params=params, timeout=timeout)
        page = answer(resp, what, forbidden)
        if not isinstance(page, list):
            raise ApiError(f"cannot {what}: unexpected answer")
        yield page
        nxt = resp.links.get("next", {}).get("url")
        next_url = nxt if nxt and urlsplit(nxt)[:2] == origin else None
        params = None
    if next_url is not None:
        raise TooManyPages(f"cannot {what}: more than {MAX_PAGES} pages")


def redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
