"""The small part of GitHub's REST API client that the comment and the review reader share.

``requests`` is imported only when a session is opened, so a run that never talks to
GitHub never loads it. The token goes into the ``Authorization`` header and nowhere
else: messages built from answers are passed through :func:`redact` before anyone sees
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

TIMEOUT = 15.0


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


def redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
