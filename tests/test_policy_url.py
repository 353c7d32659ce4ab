"""A central policy over HTTP(S): fetched, pinned by sha256, failures are exit 2; the
token never travels in clear text, plain http needs a pin, and one deadline bounds the
whole download. Servers run on 127.0.0.1 (https with a certificate made by openssl)."""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import TEAM_SANDBOX, write

POLICY = b"""\
apiVersion: prodgate/policy/v1
extends: builtin
name: central
requirements:
  model_card:
    title: Model card
    artifact: model_card
    when: {team: all}
"""


def _content_digest(raw: bytes) -> str:
    """The pin of a policy: sha256 of the canonical JSON of its loaded YAML document."""
    import yaml

    canonical = json.dumps(yaml.safe_load(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_BUNDLE = {
    "/ai/policy.yaml": b"""\
apiVersion: prodgate/policy/v1
extends: builtin
name: central
artifacts:
  bias_assessment:
    title: Bias assessment
    template: templates/bias_assessment.md
requirements:
  bias_assessment: {title: Bias assessment, artifact: bias_assessment, when: {team: all}}
""",
    "/ai/templates/bias_assessment.md": b"# Bias assessment of {{ asset_name }}\n\n<fill in>\n",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    seen_auth: ClassVar[list[str | None]] = []
    redirect_to: ClassVar[str] = ""

    def do_GET(self) -> None:
        _Handler.seen_auth.append(self.headers.get("Authorization"))
        if self.path == "/redirect.yaml":
            self.send_response(302)
            self.send_header("Location", _Handler.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/policy.yaml":
            self.send_response(200)
            self.send_header("Content-Type", "application/yaml")
            self.end_headers()
            self.wfile.write(POLICY)
        elif self.path in _BUNDLE:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(_BUNDLE[self.path])
        elif self.path == "/huge.yaml":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"# " + b"x" * (2 * 1024 * 1024))
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def _serve(context: ssl.SSLContext | None = None) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if context else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[str]:
    yield from _serve()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))  # the client trusts it
    yield from _serve(context)


def test_policy_from_url_applies_and_is_recorded(repo: Path, tls_server: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRODGATE_POLICY_TOKEN", "s3cr3t-token")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    url = f"{tls_server}/policy.yaml"
    pin = hashlib.sha256(POLICY).hexdigest()
    code, out, err = run("check", str(repo), "--policy", url, "--policy-sha256", pin, "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert [f["rule_id"] for f in report["findings"]] == ["PG201"]
    assert report["policy"]["source"] == url
    assert report["policy"]["source_sha256"] == _content_digest(POLICY)
    assert _Handler.seen_auth[-1] == "Bearer s3cr3t-token"
    assert "s3cr3t-token" not in out + err


def test_https_policy_needs_no_pin(repo: Path, tls_server: str, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo), "--policy", f"{tls_server}/policy.yaml", "--format", "json")
    assert code == 1, err
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["PG201"]


def test_plain_http_with_a_pin_is_accepted(repo: Path, server: str, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    pin = hashlib.sha256(POLICY).hexdigest()
    code, out, err = run("check", str(repo), "--policy", f"{server}/policy.yaml", "--policy-sha256", pin,
                         "--format", "json")
    assert code == 1, err
    assert json.loads(out)["policy"]["source_sha256"] == _content_digest(POLICY)
    assert _Handler.seen_auth[-1] is None


def test_token_is_never_sent_over_plain_http(repo: Path, server: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRODGATE_POLICY_TOKEN", "s3cr3t-token")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    before = len(_Handler.seen_auth)
    url = f"{server}/policy.yaml"
    code, out, err = run("check", str(repo), "--policy", url, "--policy-sha256", hashlib.sha256(POLICY).hexdigest())
    assert (code, out) == (2, "")
    assert err == (
        f"prodgate: error: cannot fetch policy: {url}: PRODGATE_POLICY_TOKEN is set, and a token is never "
        "sent over plain http; use an https:// URL (or unset the token)\n"
    )
    assert len(_Handler.seen_auth) == before  # not even connected


def test_plain_http_needs_a_pin(repo: Path, server: str, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    before = len(_Handler.seen_auth)
    url = f"{server}/policy.yaml"
    code, out, err = run("check", str(repo), "--policy", url)
    assert (code, out) == (2, "")
    assert err == (
        f"prodgate: error: cannot fetch policy: {url}: a policy over plain http can be changed by anyone on "
        "the network path; use https:// or pin it with --policy-sha256\n"
    )
    assert len(_Handler.seen_auth) == before


def test_redirect_from_https_to_plain_http(  # type: ignore[no-untyped-def]
    repo: Path, tls_server: str, server: str, run, monkeypatch
) -> None:
    monkeypatch.setenv("PRODGATE_POLICY_TOKEN", "s3cr3t-token")
    monkeypatch.setattr(_Handler, "redirect_to", f"{server}/policy.yaml")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    url = f"{tls_server}/redirect.yaml"
    code, out, err = run("check", str(repo), "--policy", url)
    assert (code, out) == (2, "")
    assert "redirected to plain http" in err and "pin it with --policy-sha256" in err
    # The https hop got the token; the plain-http hop did not.
    assert _Handler.seen_auth[-2:] == ["Bearer s3cr3t-token", None]


def test_pin_mismatch_is_exit_2(repo: Path, server: str, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo), "--policy", f"{server}/policy.yaml", "--policy-sha256", "0" * 64)
    assert (code, out) == (2, "")
    assert "the policy changed" in err


@pytest.mark.parametrize(
    ("path", "expected"), [("/missing.yaml", "HTTP 404"), ("/huge.yaml", "larger than 1,048,576 bytes")]
)
def test_http_errors_are_exit_2(repo: Path, server: str, run, path: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(repo), "--policy", server + path, "--policy-sha256", "0" * 64)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_unreachable_url_is_exit_2(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(repo), "--policy", f"http://127.0.0.1:{port}/p.yaml", "--policy-sha256", "0" * 64)
    assert code == 2
    assert "cannot connect" in err


class _Trickler:
    """A server on 127.0.0.1 that sends one byte every ``interval`` seconds for a
    minute: after a complete header (``body``) or in the middle of it (``header``)."""

    def __init__(self, where: str, interval: float = 0.2) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.where, self.interval = where, interval
        self.stop = threading.Event()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/policy.yaml"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            if self.where == "body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(int(60 / self.interval)):
                if self.stop.wait(self.interval):
                    return
                try:
                    conn.sendall(b"#" if self.where == "body" else b"X")
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize("where", ["body", "header"])
def test_a_trickling_server_cannot_hold_the_run(where: str) -> None:
    from prodgate.policy.fetch import FetchError, fetch

    trickler = _Trickler(where)
    try:
        start = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetch(trickler.url, pinned=True, deadline=1.0)
        elapsed = time.monotonic() - start
    finally:
        trickler.close()
    assert str(caught.value) == f"{trickler.url}: the download did not finish within 1 s"
    # Every read succeeds within the per-read timeout; only the deadline stops it.
    assert elapsed < 5


@pytest.mark.parametrize("where", ["body", "header"])
def test_the_deadline_cuts_the_download_and_leaves_no_thread(  # type: ignore[no-untyped-def]
    where: str, repo: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prodgate.policy import fetch as fetching

    monkeypatch.setattr(fetching, "DEADLINE_SECONDS", 1.0)
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    trickler = _Trickler(where)
    # Threads alive before (the trickler's, and any an earlier test left to finish on
    # its own) are not this run's: only a thread started during the run may not outlive it.
    before = set(threading.enumerate())
    try:
        start = time.monotonic()
        code, out, err = run("check", str(repo), "--policy", trickler.url, "--policy-sha256", "0" * 64)
        elapsed = time.monotonic() - start
        started = [t.name for t in threading.enumerate() if t not in before]
        left = [t.name for t in threading.enumerate() if t.name == "prodgate-policy-fetch"]
    finally:
        trickler.close()
    assert (code, out) == (2, "")
    assert err == f"prodgate: error: cannot fetch policy: {trickler.url}: the download did not finish within 1 s\n"
    assert (started, left) == ([], [])
    assert elapsed < 5


def test_the_default_deadline_is_short() -> None:
    from prodgate.policy.fetch import DEADLINE_SECONDS, TIMEOUT_SECONDS

    assert TIMEOUT_SECONDS <= DEADLINE_SECONDS <= 60


def test_binary_values_are_refused(repo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    policy = write(tmp_path, "policy.yaml", "extends: builtin\nname: !!binary aGVsbG8=\n")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, out, err = run("check", str(repo), "--policy", str(policy))
    assert (code, out) == (2, "")
    assert err == f"prodgate: error: {policy}:2:7: tag '!!binary' is not allowed (only plain YAML)\n"
    # The same one loader reads declarations: a finding at the tag, exit 1.
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("name: notes-summariser", "name: !!binary bm90ZXM="))
    code, out, _ = run("check", str(repo), "--format", "text")
    assert code == 1
    assert "  ai-asset.yaml:2:7 PG101 error: tag '!!binary' is not allowed (only plain YAML)\n" in out


def _free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    return port


def test_the_pin_is_over_the_content_and_takes_a_prefix(repo: Path, server: str, run) -> None:  # type: ignore[no-untyped-def]
    """The digest `prodgate policy --digest` prints pins the policy, with or without
    `sha256:`, and the bytes' sha256 of earlier releases still does."""
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    url = f"{server}/policy.yaml"
    code, digest, err = run("policy", "--policy", url, "--policy-sha256", hashlib.sha256(POLICY).hexdigest(), "--digest")
    assert (code, digest) == (0, f"sha256:{_content_digest(POLICY)}\n"), err
    for pin in (digest.strip(), digest.strip().removeprefix("sha256:"), "SHA256:" + digest.strip()[7:].upper()):
        code, out, err = run("check", str(repo), "--policy", url, "--policy-sha256", pin, "--format", "json")
        assert code == 1, err
        assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["PG201"]
    code, _out, err = run("check", str(repo), "--policy", url, "--policy-sha256", "sha256:12ab")
    assert code == 2 and "expected 64 hex digits" in err


def test_a_comment_only_edit_keeps_the_pin(repo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    policy = tmp_path / "central" / "policy.yaml"
    policy.parent.mkdir()
    policy.write_bytes(POLICY)
    code, digest, _err = run("policy", "--policy", str(policy), "--digest")
    assert code == 0
    # Comments, quoting and layout change; what the policy says does not.
    policy.write_bytes(b"# Central policy, owned by the platform team.\n" + POLICY.replace(
        b"when: {team: all}", b"when:    # every stage\n      team: 'all'"
    ))
    code, out, err = run("check", str(repo), "--policy", str(policy), "--policy-sha256", digest.strip())
    assert code == 1 and "PG201" in out, err
    policy.write_bytes(POLICY.replace(b"team: all", b"team: [production]"))
    code, out, err = run("check", str(repo), "--policy", str(policy), "--policy-sha256", digest.strip())
    assert (code, out) == (2, "") and "the policy changed" in err


def test_an_unreachable_server_falls_back_to_the_verified_copy(  # type: ignore[no-untyped-def]
    repo: Path, server: str, run, tmp_path: Path, monkeypatch
) -> None:
    """A copy that matched the pin once stands in, with a warning, when the server is
    down; the pin is checked again, and without a cached copy (or a pin) the run fails."""
    monkeypatch.setenv("RUNNER_TOOL_CACHE", str(tmp_path / "toolcache"))
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    pin = f"sha256:{_content_digest(POLICY)}"
    down = f"http://127.0.0.1:{_free_port()}/policy.yaml"
    code, _out, err = run("check", str(repo), "--policy", down, "--policy-sha256", pin)
    assert code == 2 and "cannot connect" in err  # nothing cached yet
    code, _out, err = run("check", str(repo), "--policy", f"{server}/policy.yaml", "--policy-sha256", pin)
    assert code == 1, err
    cached = tmp_path / "toolcache" / "prodgate" / "policies" / f"{pin[7:]}.yaml"
    assert cached.read_bytes() == POLICY
    # The same policy, its server down (the cache is keyed by the pin, not the URL).
    code, out, err = run("check", str(repo), "--policy", down, "--policy-sha256", pin, "--format", "json")
    assert code == 1, err
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["PG201"]
    assert "warning: cannot fetch policy" in err and "cannot connect" in err and "verified earlier" in err
    # No pin: fails closed (plain http needs one anyway; https too).
    code, _out, err = run("check", str(repo), "--policy", down.replace("http:", "https:"))
    assert code == 2 and "cannot connect" in err
    # A cached copy changed on disk no longer matches its pin: refused.
    cached.write_bytes(POLICY.replace(b"team: all", b"team: [production]"))
    code, _out, err = run("check", str(repo), "--policy", down, "--policy-sha256", pin)
    assert code == 2 and "the policy changed" in err


def test_the_cache_defaults_to_the_user_cache_folder(repo: Path, server: str, run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    pin = _content_digest(POLICY)
    code, _out, err = run("check", str(repo), "--policy", f"{server}/policy.yaml", "--policy-sha256", pin)
    assert code == 1, err
    assert (tmp_path / ".cache" / "prodgate" / "policies" / f"{pin}.yaml").read_bytes() == POLICY


def test_a_url_policy_scaffolds_its_templates_from_beside_it(  # type: ignore[no-untyped-def]
    repo: Path, tls_server: str, server: str, run
) -> None:
    """A bundle over https: its template is downloaded from beside the policy, a name it
    does not ship (model_card.md, 404) falls back to the built-in template; over plain
    http its templates cannot be trusted, and nothing is written."""
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    code, out, err = run("init", "--add-missing", "--policy", f"{tls_server}/ai/policy.yaml", str(repo))
    assert code == 0, err
    assert (repo / "docs/bias-assessment.md").read_text(encoding="utf-8") == (
        "# Bias assessment of notes-summariser\n\n<fill in>\n"
    )
    assert (repo / "docs/model-card.md").read_text(encoding="utf-8").startswith("# Model card")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot"))
    (repo / "docs/bias-assessment.md").unlink()
    (repo / "docs/model-card.md").unlink()
    pin = _content_digest(_BUNDLE["/ai/policy.yaml"])
    code, out, err = run("init", "--add-missing", "--policy", f"{server}/ai/policy.yaml", "--policy-sha256", pin, str(repo))
    assert (code, out) == (2, "")
    assert "cannot be trusted" in err and "publish the bundle over https://" in err
    assert not (repo / "docs").exists() or not any((repo / "docs").iterdir())
