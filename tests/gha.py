"""Test helpers for the GitHub integration: the runner's side of workflow commands,
step outputs and reports built by hand (for hostile strings no declaration can hold)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from prodgate.findings import Finding, Location, Severity, Waiver
from prodgate.report import AssetResult, Report, RequirementResult, State

COMMANDS = {"group", "endgroup", "error", "warning", "notice", "debug"}
"""What prodgate may emit; anything else parsed from its log is an injection."""


def unescape_data(text: str) -> str:
    # The runner's order: %0D, %0A, then %25 last.
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """A log line as the runner reads it, or None: ``::name k=v,k=v::data`` when the line
    starts with ``::`` after blanks, else the legacy ``##[name]data`` anywhere in it
    (actions/runner ``ActionCommand.TryParseV2``, then ``TryParse``)."""
    s = line.lstrip()
    if not s.startswith("::") or s.find("::", 2) < 0:
        start = line.find("##[")
        end = line.find("]", start)
        if start >= 0 and end > 0:
            head = line[start + 3 : end]
            return head.split(" ", 1)[0], {}, line[end + 1 :]
        return None
    end = s.find("::", 2)
    if end < 0:
        return None
    section, data = s[2:end], s[end + 2 :]
    name, _, raw_props = section.partition(" ")
    props: dict[str, str] = {}
    for part in raw_props.split(","):
        key, sep, value = part.partition("=")
        if part and sep:
            props[key] = unescape_property(value)
    return name, props, unescape_data(data)


OWN_STOP_TOKEN = re.compile(r"prodgate-[0-9a-f]{32}")
"""The shape of the tokens prodgate itself stops commands with."""


def commands(log: str) -> list[tuple[str, dict[str, str], str]]:
    """The commands the runner acts on, in order.

    Lines are split as the runner's reader splits them (``\\n``, ``\\r``, ``\\r\\n``).
    After ``stop-commands`` nothing counts until the token comes back as a command.
    prodgate's own regions (a ``prodgate-<32 hex>`` token, stopped and resumed) are not
    listed; anything else, a hostile ``stop-commands`` included, is.
    """
    acted: list[tuple[str, dict[str, str], str]] = []
    token: str | None = None
    for line in re.split(r"\r\n|\r|\n", log):
        parsed = parse_command(line)
        if parsed is None:
            continue
        if token is not None:
            if parsed[0].lower() == token.lower():
                if not OWN_STOP_TOKEN.fullmatch(token):
                    acted.append(parsed)
                token = None
            continue
        if parsed[0] == "stop-commands":
            token = parsed[2]
            if OWN_STOP_TOKEN.fullmatch(token):
                continue
        acted.append(parsed)
    return acted


def stopped_regions(log: str) -> list[list[str]]:
    """The lines inside each of prodgate's stop-commands regions."""
    regions: list[list[str]] = []
    inside: list[str] | None = None
    for line in re.split(r"\r\n|\r|\n", log):
        if inside is None and re.fullmatch(r"::stop-commands::prodgate-[0-9a-f]{32}", line):
            inside = []
        elif inside is not None and re.fullmatch(r"::prodgate-[0-9a-f]{32}::", line):
            regions.append(inside)
            inside = None
        elif inside is not None:
            inside.append(line)
    assert inside is None, "a stop-commands region was never closed"
    return regions


def annotations(log: str) -> list[tuple[str, dict[str, str], str]]:
    return [c for c in commands(log) if c[0] in ("error", "warning", "notice")]


def read_outputs(path: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT`` as the runner reads it: ``k=v`` and ``k<<DELIM`` blocks."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            i += 1
        else:
            i += 1
    return out


def finding(
    rule: str = "PG204",
    severity: Severity = Severity.ERROR,
    message: str = "runbook docs/runbook.md still contains placeholder \"TODO\" (line 9)",
    path: str = "docs/runbook.md",
    line: int = 9,
    col: int = 1,
    asset: str | None = "bot",
    waived: bool = False,
    fix: str = "Fill it in.",
    requirement: str | None = "runbook",
) -> Finding:
    waiver = Waiver("GOV-1", "2026-12-31", "pilot only", Location("ai-asset.yaml", 20, 5)) if waived else None
    return Finding(rule, severity, message, Location(path, line, col), asset, fix, requirement, None, waiver)


def report(findings: list[Finding], name: str = "bot", **kw: Any) -> Report:
    state = State.MET
    if any(not f.waived and f.severity is Severity.ERROR for f in findings):
        state = State.FAILING
    elif findings and all(f.waived for f in findings):
        state = State.WAIVED
    asset = AssetResult(
        name=name, path="ai-asset.yaml", tier="departmental", effective_tier="departmental",
        stage="pilot", owner="Ada", requirements=(RequirementResult("runbook", "Runbook", state, "", ()),),
        exceptions=(), evals=(), findings=tuple(sorted(findings, key=Finding.sort_key)),
    )
    r = Report(
        version="0.1.0", gate=kw.get("gate", "merge"), fail_on=Severity.ERROR, policy_source="builtin",
        policy_sha256="0" * 64, root=str(kw.get("root", "/tmp/repo")), commit=None,
        generated_at=dt.datetime(2026, 11, 22, tzinfo=dt.UTC).isoformat(),
        today="2026-11-22", assets=[asset], findings=sorted(findings, key=Finding.sort_key),
        declarations=1,
    )
    return r


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "departmental-pilot-failing"

EXCEPTION = """\
exceptions:
  - requirement: privacy_review
    reason: DPIA under way; the pilot uses 20 internal agents only.
    ticket: GOV-1234
    granted: 2026-10-01
    expires: 2026-12-31
    approvals: {business_executive: Ana Ruiz, it_executive: Li Wei, process_owner: Sam Roe}
    owners: {risk: Li Wei, support: Sam Roe, funding: Ana Ruiz, lifecycle: Jane Doe, compliance: Kim Poe}
"""


def copy_example(dest: Path, waived: bool = False) -> Path:
    """The shipped failing example at ``dest``; with ``waived`` its one error is excepted."""
    import shutil

    shutil.copytree(EXAMPLE, dest)
    if waived:
        decl = dest / "ai-asset.yaml"
        decl.write_text(decl.read_text(encoding="utf-8") + EXCEPTION, encoding="utf-8")
    return dest


class FakeGitHub:
    """A tiny GitHub REST API on 127.0.0.1 for issue comments, with page-based
    pagination and ``Link`` headers; ``forbid`` answers every call with 403, and a
    ``status`` other than 200 every call with that status and ``headers``.

    ``token_login`` is who the token is: None for an installation token (the Actions
    ``GITHUB_TOKEN``, or a GitHub App's), for which ``GET /user`` is 403 and GraphQL's
    ``viewer`` is ``app_login`` (``github-actions[bot]`` unless set; None: GraphQL is
    not there), the author of the comments it writes; a login for a personal token,
    which ``GET /user`` returns."""

    def __init__(self, per_page_cap: int = 100) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        self.comments: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.forbid = False
        self.status = 200
        self.headers: dict[str, str] = {}
        self.token_login: str | None = None
        self.app_login: str | None = "github-actions[bot]"
        self.per_page_cap = per_page_cap
        self.pull: dict[str, Any] = {"number": 7, "head": {"sha": "0" * 40}, "user": {"login": "alice"}}
        self.reviews: list[dict[str, Any]] = []
        self._next_id = 1000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v3"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, body: str, user_type: str = "User", login: str = "someone") -> dict[str, Any]:
        self._next_id += 1
        comment = {"id": self._next_id, "body": body, "user": {"login": login, "type": user_type},
                   "html_url": f"https://github.example/pr/1#issuecomment-{self._next_id}"}
        self.comments.append(comment)
        return comment

    def _handler(self) -> Any:
        import json
        from http.server import BaseHTTPRequestHandler
        from urllib.parse import parse_qs, urlsplit

        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _refused(self) -> bool:
                if fake.forbid:
                    self._send(403, {"message": "Resource not accessible by integration"})
                elif fake.status != 200:
                    self._send(fake.status, {"message": "Server says no"}, fake.headers)
                return fake.forbid or fake.status != 200

            def _record(self) -> tuple[str, dict[str, list[str]]]:
                parts = urlsplit(self.path)
                fake.requests.append((self.command, self.path, dict(self.headers.items())))
                return parts.path, parse_qs(parts.query)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length", "0"))
                loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                return loaded

            def do_GET(self) -> None:
                path, query = self._record()
                if self._refused():
                    return None
                if path.endswith("/pulls/7"):
                    return self._send(200, fake.pull)
                if path.endswith("/api/v3/user"):
                    if fake.token_login is None:
                        return self._send(403, {"message": "Resource not accessible by integration"})
                    return self._send(200, {"login": fake.token_login, "type": "User"})
                listed = fake.reviews if path.endswith("/pulls/7/reviews") else fake.comments
                if not path.endswith(("/comments", "/reviews")):
                    return self._send(404, {"message": "Not Found"})
                per_page = min(int(query.get("per_page", ["30"])[0]), fake.per_page_cap)
                page = int(query.get("page", ["1"])[0])
                items = listed[(page - 1) * per_page : page * per_page]
                headers = {}
                if page * per_page < len(listed):
                    headers["Link"] = (
                        f'<{fake.url.rsplit("/api/v3", 1)[0]}{path}?per_page={per_page}&page={page + 1}>; rel="next"'
                    )
                return self._send(200, items, headers)

            def do_POST(self) -> None:
                path, _ = self._record()
                if self._refused():
                    return None
                viewer = fake.token_login or fake.app_login
                if path == "/api/graphql":
                    if viewer is None or self._body().get("query") != "query { viewer { login } }":
                        return self._send(404, {"message": "Not Found"})
                    return self._send(200, {"data": {"viewer": {"login": viewer}}})
                login = viewer or "ghost-app[bot]"
                comment = fake.add(self._body()["body"], "Bot" if login.endswith("[bot]") else "User", login)
                return self._send(201, comment)

            def do_PATCH(self) -> None:
                path, _ = self._record()
                if self._refused():
                    return None
                cid = int(path.rsplit("/", 1)[1])
                for comment in fake.comments:
                    if comment["id"] == cid:
                        comment["body"] = self._body()["body"]
                        return self._send(200, comment)
                return self._send(404, {"message": "Not Found"})

        return Handler
