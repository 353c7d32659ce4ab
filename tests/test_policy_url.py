"""A central policy over HTTP: fetched, pinned by sha256, failures are exit 2."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
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


class _Handler(http.server.BaseHTTPRequestHandler):
    seen_auth: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Handler.seen_auth.append(self.headers.get("Authorization"))
        if self.path == "/policy.yaml":
            self.send_response(200)
            self.send_header("Content-Type", "application/yaml")
            self.end_headers()
            self.wfile.write(POLICY)
        elif self.path == "/huge.yaml":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"# " + b"x" * (2 * 1024 * 1024))
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_policy_from_url_applies_and_is_recorded(repo: Path, server: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRODGATE_POLICY_TOKEN", "s3cr3t-token")
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    url = f"{server}/policy.yaml"
    pin = hashlib.sha256(POLICY).hexdigest()
    code, out, err = run("check", str(repo), "--policy", url, "--policy-sha256", pin, "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert [f["rule_id"] for f in report["findings"]] == ["PG201"]
    assert report["policy"]["source"] == url
    assert report["policy"]["source_sha256"] == pin
    assert _Handler.seen_auth[-1] == "Bearer s3cr3t-token"
    assert "s3cr3t-token" not in out + err


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
    code, _out, err = run("check", str(repo), "--policy", server + path)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_unreachable_url_is_exit_2(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    write(repo, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(repo), "--policy", f"http://127.0.0.1:{port}/p.yaml")
    assert code == 2
    assert "cannot connect" in err
