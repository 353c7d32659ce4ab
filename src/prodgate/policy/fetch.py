"""Fetch a central policy over HTTP(S), bounded, pinned where it must be.

Platform teams publish one policy for the organisation; repositories reference it by
URL and pin it by sha256, so a compromised or changed server cannot weaken the gate
unnoticed. ``requests`` is imported here only, so local runs never pay for it.

What a hostile network or server cannot do:

* read the token: ``PRODGATE_POLICY_TOKEN`` goes only to an ``https://`` URL. An
  ``http://`` URL with the token set is refused before connecting, and ``requests``
  drops the ``Authorization`` header when a redirect leaves for plain http or another
  host.
* swap the policy: anyone on the path can rewrite a plain-http answer, so an
  ``http://`` policy (or an https one redirected to http) must be pinned with
  ``--policy-sha256``.
* hold the run: one deadline covers the whole download, from name resolution to the
  last byte. Per-read timeouts alone let a server that trickles a byte every few
  seconds keep the run alive for ever, so the download runs in a worker thread that
  the caller stops waiting for at the deadline.
* flood it: the body is cut at :data:`MAX_POLICY_BYTES`.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

MAX_POLICY_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0
"""Longest wait to connect, and for each read."""
DEADLINE_SECONDS = 30.0
"""Longest the whole download may take."""
TOKEN_ENV = "PRODGATE_POLICY_TOKEN"


class FetchError(Exception):
    """The policy could not be fetched; the message is safe to print (no token)."""


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def _plain_http(url: str) -> bool:
    return url.lower().startswith("http://")


def fetch(url: str, *, pinned: bool = False, deadline: float = DEADLINE_SECONDS) -> bytes:
    """The policy's bytes, or :class:`FetchError`. ``pinned`` says that the caller will
    check the bytes against a sha256, which plain http requires."""
    token = os.environ.get(TOKEN_ENV)
    if _plain_http(url):
        if token:
            raise FetchError(
                f"{url}: {TOKEN_ENV} is set, and a token is never sent over plain http; "
                "use an https:// URL (or unset the token)"
            )
        if not pinned:
            raise FetchError(
                f"{url}: a policy over plain http can be changed by anyone on the network path; "
                "use https:// or pin it with --policy-sha256"
            )
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["body"] = _download(url, token, pinned)
        except FetchError as exc:
            box["error"] = exc
        except Exception as exc:  # reported below, in the caller's thread
            box["error"] = FetchError(f"{url}: {type(exc).__name__}")
        finally:
            done.set()

    # A daemon thread: when the deadline passes the run goes on (and ends) without it.
    threading.Thread(target=work, name="prodgate-policy-fetch", daemon=True).start()
    if not done.wait(deadline):
        # The worker is left to its socket: closing the response from here would wait
        # for the lock its blocked read holds. The process ends without it (daemon).
        raise FetchError(f"{url}: the download did not finish within {deadline:g} s")
    error = box.get("error")
    if isinstance(error, FetchError):
        raise error
    body: bytes = box["body"]
    return body


def _download(url: str, token: str | None, pinned: bool) -> bytes:
    import requests

    headers = {"Accept": "application/yaml, text/yaml, text/plain, */*", "User-Agent": "prodgate"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with requests.Session() as session, session.get(
            url, headers=headers, timeout=TIMEOUT_SECONDS, stream=True
        ) as resp:
            hops = [r.url for r in resp.history] + [resp.url or url]
            if any(not is_url(hop) for hop in hops):
                raise FetchError(f"{url}: redirected to a non-HTTP location")
            if not pinned and any(_plain_http(hop) for hop in hops):
                raise FetchError(
                    f"{url}: redirected to plain http, where anyone on the network path can "
                    "change the policy; pin it with --policy-sha256"
                )
            if resp.status_code != 200:
                raise FetchError(f"{url}: HTTP {resp.status_code} {resp.reason or ''}".rstrip())
            return _body(url, resp)
    except requests.exceptions.Timeout:
        raise FetchError(f"{url}: no answer within {TIMEOUT_SECONDS:.0f} s") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"{url}: cannot connect") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"{url}: {type(exc).__name__}") from None


def _body(url: str, resp: requests.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_POLICY_BYTES:
            raise FetchError(f"{url}: policy is larger than {MAX_POLICY_BYTES:,} bytes")
    return b"".join(chunks)
