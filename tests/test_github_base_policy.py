"""Where the policy comes from on a pull request (the git side, without the action)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from prodgate.github.action import Inputs
from prodgate.github.base_policy import FromBase, Refused, resolve_policy

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=ENV).stdout.strip()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    git(root, "init", "-q")
    (root / "policy.yaml").write_text("base\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    (root / "policy.yaml").write_text("head\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "head")
    return root


def base(ws: Path) -> str:
    return git(ws, "rev-parse", "HEAD~1")


def test_reads_the_base_version(ws: Path, tmp_path: Path) -> None:
    got = resolve_policy("policy.yaml", ws, ws, base(ws), tmp_path / "t")
    assert isinstance(got, FromBase)
    assert got.path.read_text(encoding="utf-8") == "base\n" and got.repo_path == "policy.yaml"


def test_absolute_path_inside_the_workspace_too(ws: Path, tmp_path: Path) -> None:
    got = resolve_policy(str(ws / "policy.yaml"), ws, ws, base(ws), tmp_path / "t")
    assert isinstance(got, FromBase)


def test_dot_dot_back_into_the_workspace_is_still_inside(ws: Path, tmp_path: Path) -> None:
    got = resolve_policy(f"../{ws.name}/policy.yaml", ws, ws, base(ws), tmp_path / "t")
    assert isinstance(got, FromBase)


@pytest.mark.parametrize("policy", ["", "builtin", "https://policies.example/ai.yaml"])
def test_not_a_file_is_passed_through(policy: str, ws: Path, tmp_path: Path) -> None:
    assert resolve_policy(policy, ws, ws, base(ws), tmp_path) == policy


def test_outside_the_workspace_is_used_as_is(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "central.yaml"
    assert resolve_policy(str(outside), ws, ws, base(ws), tmp_path) == str(outside)


def test_separate_checkout_in_the_workspace_is_used_as_is(ws: Path, tmp_path: Path) -> None:
    central = ws / ".central"
    central.mkdir()
    git(central, "init", "-q")
    (central / "policy.yaml").write_text("central\n", encoding="utf-8")
    assert resolve_policy(".central/policy.yaml", ws, ws, base(ws), tmp_path) == ".central/policy.yaml"


def test_symlinked_folder_does_not_lead_the_policy_away(ws: Path, tmp_path: Path) -> None:
    """The head turns the policy's folder into a link out of the workspace: the path as
    written is still read from the base."""
    (ws / "conf").mkdir()
    (ws / "conf" / "policy.yaml").write_text("base conf\n", encoding="utf-8")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "conf")
    sha = git(ws, "rev-parse", "HEAD")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "policy.yaml").write_text("weak\n", encoding="utf-8")
    git(ws, "rm", "-q", "-r", "conf")
    (ws / "conf").symlink_to(elsewhere)
    got = resolve_policy("conf/policy.yaml", ws, ws, sha, tmp_path / "t")
    assert isinstance(got, FromBase)
    assert got.path.read_text(encoding="utf-8") == "base conf\n"


def test_not_a_git_checkout_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    got = resolve_policy("policy.yaml", plain, plain, "a" * 40, tmp_path)
    assert isinstance(got, Refused) and "not a git checkout" in got.message


def test_missing_or_malformed_base_sha_is_refused(ws: Path, tmp_path: Path) -> None:
    for sha in (None, "HEAD~1", "--output=/tmp/x"):
        got = resolve_policy("policy.yaml", ws, ws, sha, tmp_path)
        assert isinstance(got, Refused) and "no base commit (pull_request.base.sha, or merge_group.base_sha" in got.message


def test_inputs_from_env() -> None:
    got = Inputs.from_env({"INPUT_PATH": "a\n b \n", "INPUT_GATE": "Deploy", "INPUT_COMMENT": "TRUE"})
    assert isinstance(got, Inputs)
    assert (got.paths, got.gate, got.comment, got.fail_on, got.policy) == (("a", "b"), "deploy", True, "error", "")
    assert Inputs.from_env({"INPUT_FAIL_ON": "note"}) == "input fail-on: 'note' is not one of error, warning"
    assert Inputs.from_env({"INPUT_COMMENT": "yes"}) == "input comment: 'yes' is not true or false"
    assert Inputs.from_env({"INPUT_SARIF_FILE": "a,b.sarif"}) == "input sarif-file: 'a,b.sarif' may not contain a comma"


def test_pull_request_payload_without_a_base_refuses_the_policy(ws: Path, tmp_path: Path) -> None:
    import io

    from prodgate.github.action import main

    event = tmp_path / "event.json"
    event.write_text("{}", encoding="utf-8")
    out = io.StringIO()
    env = {"GITHUB_WORKSPACE": str(ws), "RUNNER_TEMP": str(tmp_path), "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "INPUT_POLICY": "policy.yaml"}
    assert main([], env, out) == 2
    assert "the event payload has no base commit (pull_request.base.sha" in out.getvalue()
