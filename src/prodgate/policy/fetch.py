"""Fetch a central policy over HTTP(S), bounded and optionally pinned.

Platform teams publish one policy for the organisation; repositories reference it by
URL and pin it by sha256, so a compromised or changed server cannot weaken the gate
unnoticed. ``requests`` is imported here only, so local runs never pay for it.
"""

from __future__ import annotations

import os

MAX_POLICY_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0
TOKEN_ENV = "PRODGATE_POLICY_TOKEN"


class FetchError(Exception):
    """The policy could not be fetched; the message is safe to print (no token)."""


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def fetch(url: str) -> bytes:
    import requests

    headers = {"Accept": "application/yaml, text/yaml, text/plain, */*", "User-Agent": "prodgate"}
    token = os.environ.get(TOKEN_ENV)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS, stream=True, allow_redirects=True) as resp:
            if resp.url and not is_url(resp.url):
                raise FetchError(f"{url}: redirected to a non-HTTP location")
            if resp.status_code != 200:
                raise FetchError(f"{url}: HTTP {resp.status_code} {resp.reason or ''}".rstrip())
            body = b""
            for chunk in resp.iter_content(chunk_size=65536):
                body += chunk
                if len(body) > MAX_POLICY_BYTES:
                    raise FetchError(f"{url}: policy is larger than {MAX_POLICY_BYTES:,} bytes")
            return body
    except requests.exceptions.Timeout:
        raise FetchError(f"{url}: no answer within {TIMEOUT_SECONDS:.0f} s") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"{url}: cannot connect") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"{url}: {type(exc).__name__}") from None
