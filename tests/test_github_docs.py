"""The GitHub Action's page (docs/action.md) and the README's short workflow agree with
action.yml."""

from __future__ import annotations

import re

import yaml

from composite import load_action

from conftest import REPO

ACTION = load_action(REPO / "action.yml")


def _section() -> str:
    text = (REPO / "docs" / "action.md").read_text(encoding="utf-8")
    start, end = text.index("<!-- section:action -->"), text.index("<!-- /section:action -->")
    return text[start:end]


def _table(heading: str) -> list[str]:
    part = _section().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9-]+)` \|", part, flags=re.MULTILINE)


def _workflows() -> list[str]:
    """The YAML blocks of the section that are workflows (others show policy or declarations)."""
    blocks = re.findall(r"```yaml\n(.*?)```", _section(), flags=re.DOTALL)
    return [b for b in blocks if "\njobs:\n" in b]


def test_page_starts_with_its_title() -> None:
    assert (REPO / "docs" / "action.md").read_text(encoding="utf-8").startswith("# GitHub Action and workflows\n")


def test_readme_short_workflow_is_a_valid_pinned_merge_gate() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    short = readme.split("<!-- section:action-short -->", 1)[1].split("<!-- /section:action-short -->", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", short, flags=re.DOTALL)
    assert block.count("\n") <= 14
    workflow = yaml.safe_load(block)
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    checkout, gate = job["steps"]
    assert re.fullmatch(r"actions/checkout@[0-9a-f]{40}", checkout["uses"])
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert gate["uses"].startswith("your-org/prodgate@")
    assert set(gate["with"]) <= set(ACTION["inputs"])
    assert "docs/action.md" in short


def test_inputs_and_outputs_tables_match_action_yml() -> None:
    assert _table("Inputs") == list(ACTION["inputs"])
    assert _table("Outputs") == list(ACTION["outputs"])


def test_workflows_use_only_declared_inputs_and_pin_by_sha() -> None:
    blocks = _workflows()
    assert len(blocks) == 2
    for block in blocks:
        workflow = yaml.safe_load(block)
        assert workflow["permissions"] == {}
        for job in workflow["jobs"].values():
            assert "contents" in job["permissions"]
            for step in job["steps"]:
                uses = step.get("uses", "")
                if uses.startswith("your-org/prodgate@"):
                    assert set(step["with"]) <= set(ACTION["inputs"])
                elif uses:
                    assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", uses), uses
                assert "${{" not in step.get("run", "")
    merge = yaml.safe_load(blocks[0])["jobs"]["gate"]["permissions"]
    assert merge == {"contents": "read", "pull-requests": "write", "security-events": "write"}


def test_merge_workflow_reruns_on_reviews() -> None:
    workflows = [yaml.safe_load(b) for b in _workflows()]
    merge = next(w for w in workflows if "gate" in w.get("jobs", {}))
    triggers = merge[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "pull_request_review", "merge_group"}
    assert triggers["pull_request_review"] == {"types": ["submitted", "dismissed"]}
    checkout = merge["jobs"]["gate"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0


def test_every_workflow_checks_out_the_whole_history() -> None:
    """The base commit (policy, declarations) and the history that shows evals fresh:
    without them the deploy gate fails closed, so no documented workflow goes without."""
    for block in _workflows():
        for job in yaml.safe_load(block)["jobs"].values():
            checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
            assert checkout["with"]["fetch-depth"] == 0
