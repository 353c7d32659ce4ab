"""The GitHub Action's entry point: ``python -m prodgate.github.action``.

``action.yml`` passes every input through ``INPUT_*`` environment variables (never by
expression inside a script), and this module turns them into one ``prodgate check``
run: annotations and job summary from the ``github`` format, the JSON report, SARIF
and the Markdown for the comment to files, then the ``report`` and ``sarif`` outputs
and, when asked, the sticky pull request comment. The exit code is the gate's.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from prodgate import exitcodes as ec
from prodgate.github.commands import annotation, safe_line
from prodgate.github.event import (
    CHANGE_EVENTS,
    MERGE_GROUP,
    PullRequest,
    load_event,
    merge_group_base,
    pull_request,
)
from prodgate.github.outputs import write_outputs

GATES = ("merge", "deploy")
FAIL_ON = ("error", "warning")


@dataclass(frozen=True)
class Inputs:
    paths: tuple[str, ...]
    gate: str
    policy: str
    fail_on: str
    sarif_file: str
    comment: bool
    token: str
    today: str
    attest: bool = False
    policy_sha256: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs | str:
        """The inputs, or what is wrong with them."""

        def get(name: str, default: str = "") -> str:
            return env.get(f"INPUT_{name}", default).strip() or default

        gate = get("GATE", "merge").lower()
        if gate not in GATES:
            return f"input gate: {gate!r} is not one of {', '.join(GATES)}"
        fail_on = get("FAIL_ON", "error").lower()
        if fail_on not in FAIL_ON:
            return f"input fail-on: {fail_on!r} is not one of {', '.join(FAIL_ON)}"
        comment = get("COMMENT", "false").lower()
        if comment not in ("true", "false"):
            return f"input comment: {comment!r} is not true or false"
        attest = get("ATTEST", "false").lower()
        if attest not in ("true", "false"):
            return f"input attest: {attest!r} is not true or false"
        sarif = get("SARIF_FILE")
        if "," in sarif:
            return f"input sarif-file: {sarif!r} may not contain a comma"
        return cls(
            paths=tuple(p.strip() for p in get("PATH", ".").splitlines() if p.strip()),
            gate=gate,
            policy=get("POLICY"),
            fail_on=fail_on,
            sarif_file=sarif,
            comment=comment == "true",
            token=env.get("INPUT_GITHUB_TOKEN", ""),
            today=get("TODAY"),
            attest=attest == "true",
            policy_sha256=get("POLICY_SHA256"),
        )


def _config_error(out: TextIO, message: str) -> int:
    out.write(annotation("error", message, title="prodgate: configuration error") + "\n")
    return ec.USAGE


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None, out: TextIO | None = None) -> int:
    """Run the action; ``argv`` is unused (inputs come from the environment)."""
    env = os.environ if env is None else env
    out = sys.stdout if out is None else out
    inputs = Inputs.from_env(env)
    if isinstance(inputs, str):
        return _config_error(out, inputs)
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".")
    work = Path(tempfile.mkdtemp(prefix="prodgate-", dir=env.get("RUNNER_TEMP") or None))
    checked = [workspace / p for p in inputs.paths]

    event_name = env.get("GITHUB_EVENT_NAME", "")
    event = load_event(env.get("GITHUB_EVENT_PATH")) if event_name in CHANGE_EVENTS else {}
    if isinstance(event, str):
        return _config_error(out, event)
    pr = pull_request(event) if event and event_name != MERGE_GROUP else None
    base_sha = merge_group_base(event) if event_name == MERGE_GROUP else (pr.base_sha if pr else None)

    on_change = event_name in CHANGE_EVENTS
    resolved = _policy(inputs.policy, workspace, checked[0], on_change, base_sha, work, out)
    if isinstance(resolved, int):
        return resolved
    policy, origin = resolved

    report = work / "report.json"
    summary = work / "comment.md"
    sarif = Path(inputs.sarif_file) if inputs.sarif_file else work / "prodgate.sarif"
    if not sarif.is_absolute():
        sarif = workspace / sarif
    args = [
        "check", *map(str, checked), "--gate", inputs.gate, "--fail-on", inputs.fail_on,
        "--format", "github", "--format", f"json={report}", "--format", f"sarif={sarif}",
    ]
    if inputs.comment:
        args += ["--format", f"pr-comment={summary}"]
    if policy:
        args += ["--policy", policy]
    if origin:
        args += ["--policy-origin", origin]
    if inputs.policy_sha256:
        args += ["--policy-sha256", inputs.policy_sha256]
    if inputs.today:
        args += ["--today", inputs.today]
    statement = work / "attestation.intoto.json"
    if inputs.attest:
        args += ["--attest", str(statement)]
    args += _change_control(pr, env) if event_name != MERGE_GROUP else _merge_group(base_sha)

    from prodgate.cli import main as cli_main

    out.flush()
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), _environ(_api_env(inputs, env)):
        code = cli_main(args)
    sys.stdout.flush()
    sys.stderr.write(errors.getvalue())
    for line in errors.getvalue().splitlines():
        # The policy's warnings (weaker than builtin, a cached copy used) on the checks
        # page too, not only in the log.
        if line.startswith("prodgate: warning: "):
            out.write(annotation("warning", line.removeprefix("prodgate: warning: "), title="prodgate: policy") + "\n")
    if code not in (ec.PASSED, ec.FAILED):
        # Also as an annotation: a misconfigured gate must be visible on the checks page.
        message = errors.getvalue().strip().removeprefix("prodgate: error: ") or f"prodgate exited with {code}"
        title = "prodgate: configuration error" if code == ec.USAGE else "prodgate: internal error"
        out.write(annotation("error", message, title=title) + "\n")
        return code
    target = env.get("GITHUB_OUTPUT")
    if target:
        outputs = {"report": str(report), "sarif": str(sarif)}
        if inputs.attest:
            outputs["predicate-path"] = _predicate(statement, work)
        problem = write_outputs(target, outputs)
        if problem:
            out.write(annotation("warning", f"prodgate: {problem}") + "\n")
    if inputs.comment:
        _comment(inputs, env, pr, summary, out)
    return code


def _predicate(statement: Path, work: Path) -> str:
    """The predicate of the verdict ``check --attest`` wrote, alone in a file: what
    ``actions/attest`` reads from ``predicate-path`` (it writes the statement around it,
    with the subject it is given)."""
    import json

    predicate = work / "verification-summary.json"
    doc = json.loads(statement.read_text(encoding="utf-8"))
    predicate.write_text(json.dumps(doc["predicate"], indent=2) + "\n", encoding="utf-8")
    return str(predicate)


def _change_control(pr: PullRequest | None, env: Mapping[str, str]) -> list[str]:
    """On a pull request: compare with its base commit, and verify exception approvals
    against its reviews (when the policy asks for that)."""
    if pr is None:
        return []
    args = ["--base", pr.base_sha] if pr.base_sha else []
    repo = pr.repository or env.get("GITHUB_REPOSITORY", "")
    if repo:
        head = f"@{pr.head_sha}" if pr.head_sha else ""
        args += ["--pull-request", f"{repo}#{pr.number}{head}"]
    return args


def _merge_group(base_sha: str | None) -> list[str]:
    """In a merge queue: compare with the commit the queued change is built on. A merge
    group is no pull request, so there are no reviews to verify approvals against."""
    return ["--base", base_sha] if base_sha else []


def _api_env(inputs: Inputs, env: Mapping[str, str]) -> dict[str, str]:
    """What the review reader needs from the environment; the token never goes on a
    command line."""
    return {
        "PRODGATE_GITHUB_TOKEN": inputs.token,
        "GITHUB_API_URL": env.get("GITHUB_API_URL", "") or "https://api.github.com",
    }


@contextlib.contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _policy(
    policy: str, workspace: Path, checked: Path, on_change: bool, base_sha: str | None, work: Path, out: TextIO
) -> tuple[str, str | None] | int:
    """The ``--policy`` argument and, when it was read from the base commit, the
    policy's path in the repository; an exit code when the base copy cannot be had."""
    if policy and on_change:
        from prodgate.github.base_policy import FromBase, Refused, resolve_policy

        resolved = resolve_policy(policy, workspace, checked, base_sha, work)
        if isinstance(resolved, Refused):
            return _config_error(out, resolved.message)
        if isinstance(resolved, FromBase):
            out.write(safe_line(
                f"policy: {resolved.repo_path} as of the base commit {resolved.base_sha[:12]} "
                "(a pull request is never judged by its own policy)"
            ) + "\n")
            return str(resolved.path), resolved.repo_path
    if policy and not Path(policy).is_absolute() and "://" not in policy and policy != "builtin":
        return str(workspace / policy), None
    return policy, None


def _comment(
    inputs: Inputs, env: Mapping[str, str], pr: PullRequest | None, summary: Path, out: TextIO
) -> None:
    """Post or update the sticky comment; any problem is a warning, never a failure."""
    from prodgate.github.comment import Target, comment_body, marker, upsert_comment

    if pr is None:
        out.write(safe_line("comment: not a pull_request event; no comment written") + "\n")
        return
    repo = pr.repository or env.get("GITHUB_REPOSITORY", "")
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    run_id = env.get("GITHUB_RUN_ID")
    run_url = f"{server}/{env.get('GITHUB_REPOSITORY', repo)}/actions/runs/{run_id}" if run_id else None
    try:
        markdown = summary.read_text(encoding="utf-8")
    except OSError as exc:
        out.write(annotation("warning", f"prodgate: no comment: cannot read the summary: {exc.strerror}") + "\n")
        return
    mark = marker(inputs.gate)
    target = Target(env.get("GITHUB_API_URL", "https://api.github.com"), repo, pr.number)
    result = upsert_comment(target, inputs.token, comment_body(markdown, mark, run_url), mark)
    if result.ok:
        out.write(safe_line(f"comment: {result.message}" + (f" {result.url}" if result.url else "")) + "\n")
    else:
        out.write(annotation("warning", f"prodgate: {result.message}", title="prodgate: no pull request comment") + "\n")


if __name__ == "__main__":
    sys.exit(main())
