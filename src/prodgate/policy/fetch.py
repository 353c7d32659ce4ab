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
  the caller stops waiting for at the deadline. Then it cuts the download: every
  socket the worker opened is shut down, which ends the worker's blocked read at
  once, and the worker is joined - no thread is left reading after the deadline.
* flood it: the body is cut at :data:`MAX_POLICY_BYTES`.
"""

from __future__ import annotations

import contextlib
import os
import socket
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


class FetchNotFound(FetchError):
    """The server answered 404: there is no such file (a template a bundle does not ship)."""


class FetchRefused(FetchError):
    """The request itself is unsafe (a token or an unpinned policy over plain http):
    a configuration error, which no cached copy may paper over."""


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def _plain_http(url: str) -> bool:
    return url.lower().startswith("http://")


def fetch(url: str, *, pinned: bool = False, deadline: float | None = None) -> bytes:
    """The policy's bytes, or :class:`FetchError`. ``pinned`` says that the caller will
    check the bytes against a sha256, which plain http requires; ``deadline`` (seconds)
    is :data:`DEADLINE_SECONDS` unless given."""
    token = os.environ.get(TOKEN_ENV)
    if _plain_http(url):
        if token:
            raise FetchRefused(
                f"{url}: {TOKEN_ENV} is set, and a token is never sent over plain http; "
                "use an https:// URL (or unset the token)"
            )
        if not pinned:
            raise FetchRefused(
                f"{url}: a policy over plain http can be changed by anyone on the network path; "
                "use https:// or pin it with --policy-sha256"
            )
    box: dict[str, Any] = {}
    done = threading.Event()
    sockets = _Sockets()

    def work() -> None:
        try:
            box["body"] = _download(url, token, pinned, sockets)
        except FetchError as exc:
            box["error"] = exc
        except Exception as exc:  # reported below, in the caller's thread
            box["error"] = FetchError(f"{url}: {type(exc).__name__}")
        finally:
            done.set()

    limit = DEADLINE_SECONDS if deadline is None else deadline
    # A daemon thread still: name resolution cannot be cut, and the process must not
    # wait for a resolver at exit. Every later step reads a socket that can be.
    worker = threading.Thread(target=work, name="prodgate-policy-fetch", daemon=True)
    worker.start()
    if not done.wait(limit):
        sockets.cut()
        worker.join(CUT_SECONDS)
        raise FetchError(f"{url}: the download did not finish within {limit:g} s")
    worker.join()
    error = box.get("error")
    if isinstance(error, FetchError):
        raise error
    body: bytes = box["body"]
    return body


CUT_SECONDS = 5.0
"""Longest wait for the worker to end once its sockets are shut down (it ends at once
unless it is still resolving the host name)."""


class _Sockets:
    """The sockets one download opened, so that another thread can cut them.

    ``socket.shutdown`` on the file descriptor wakes a read blocked in another thread
    (it returns end of file or fails); closing the response instead would wait for the
    lock that very read holds. A socket opened after the cut is shut down at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._cut = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.append(sock)
            if self._cut:
                _shutdown(sock)

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            for sock in self._open:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # The plain socket's method, also for a TLS socket: it acts on the descriptor and
    # leaves the TLS state, which the worker's read is using, alone. OSError: closed
    # already, or never connected.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _session(sockets: _Sockets) -> requests.Session:
    """A session whose every connection (redirects and proxies included) reports its
    socket to ``sockets`` as soon as it is connected, before TLS and the request."""
    import requests
    import urllib3.poolmanager
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Http(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            sockets.add(sock)
            return sock

    class Https(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            sockets.add(sock)
            return sock

    class HttpPool(HTTPConnectionPool):
        ConnectionCls = Http

    class HttpsPool(HTTPSConnectionPool):
        ConnectionCls = Https

    pools = {"http": HttpPool, "https": HttpsPool}

    def tracked(manager: Any) -> Any:
        # A SOCKS proxy brings its own connection classes: left as they are.
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = pools
        return manager

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            tracked(self.poolmanager)

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
            return tracked(super().proxy_manager_for(proxy, **proxy_kwargs))

    session = requests.Session()
    session.mount("http://", Adapter())
    session.mount("https://", Adapter())
    return session


def _download(url: str, token: str | None, pinned: bool, sockets: _Sockets) -> bytes:
    import requests

    headers = {"Accept": "application/yaml, text/yaml, text/plain, */*", "User-Agent": "prodgate"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with _session(sockets) as session, session.get(
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
            if resp.status_code == 404:
                raise FetchNotFound(f"{url}: HTTP 404 {resp.reason or ''}".rstrip())
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
