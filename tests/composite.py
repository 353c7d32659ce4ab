"""Run a composite ``action.yml`` the way the GitHub runner does, on this machine.

Only what the runner substitutes is substituted: ``${{ … }}`` expressions in input
defaults, ``env:`` maps, ``with:`` and ``if:``. ``run:`` scripts go to bash untouched
(``bash --noprofile --norc -eo pipefail``), with the runner's files and variables
(``GITHUB_OUTPUT`` per step, ``GITHUB_STEP_SUMMARY``, ``GITHUB_EVENT_PATH``, …).
``uses:`` steps are not run: a fact stands in for each (for ``actions/setup-python``,
its ``python-path`` output is the interpreter running the tests; ``actions/cache`` misses,
unless a run's ``facts`` say otherwise: its restore is a directory left at its ``path``
by an earlier run with the same ``RUNNER_TEMP``, which is what a restore puts there).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gha import read_outputs

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

USES_FACTS: dict[str, dict[str, str]] = {
    "actions/setup-python": {
        "python-path": sys.executable,
        "python-version": platform.python_version(),
        "cache-hit": "false",
    },
    "actions/cache": {"cache-hit": "false"},
}


@dataclass
class StepRun:
    id: str
    name: str
    code: int
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    skipped: bool = False


@dataclass
class ActionRun:
    code: int
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)


class Context:
    """The expression contexts a composite action can see."""

    def __init__(self, inputs: dict[str, str], github: dict[str, Any], runner: dict[str, str] | None = None) -> None:
        self.inputs = inputs
        self.github = github
        self.runner = runner or {}
        self.steps: dict[str, dict[str, dict[str, str]]] = {}
        self.failed = False

    def value(self, expr: str) -> str:
        expr = expr.strip()
        m = re.fullmatch(r"'((?:[^']|'')*)'", expr)
        if m:
            return m.group(1).replace("''", "'")
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs.get(parts[1], "")
        if parts[0] == "github" and len(parts) == 2:
            return str(self.github.get(parts[1], ""))
        if parts[0] == "runner" and len(parts) == 2:
            return self.runner.get(parts[1], "")
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get("outputs", {}).get(parts[3], "")
        raise NotImplementedError(f"expression not supported by the test runner: {expr}")

    def condition(self, expr: str) -> bool:
        expr = EXPR.sub(lambda m: m.group(1), expr).strip()
        if "||" in expr:
            return any(self.condition(e) for e in expr.split("||"))
        if "&&" in expr:
            return all(self.condition(e) for e in expr.split("&&"))
        if expr == "always()":
            return True
        if expr == "success()":
            return not self.failed
        if expr == "failure()":
            return self.failed
        for op in ("==", "!="):
            if op in expr:
                left, right = (self.value(x) for x in expr.split(op, 1))
                return (left.lower() == right.lower()) == (op == "==")
        return self.value(expr) not in ("", "false", "0")

    def substitute(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), text)


def copy_action(repo: Path, dest: Path) -> Path:
    """What a workflow's ``uses:`` of this repository downloads, as far as the action
    reads it: action.yml, the lock file and what ``pip install`` builds prodgate from."""
    dest.mkdir(parents=True)
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(repo / name, dest / name)
    for folder in ("src", "requirements"):
        shutil.copytree(
            repo / folder, dest / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
        )
    return dest


def load_action(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


class CompositeRunner:
    def __init__(self, action_dir: Path, runner_temp: Path, base_env: dict[str, str] | None = None) -> None:
        self.action_dir = action_dir
        self.action = load_action(action_dir / "action.yml")
        self.runner_temp = runner_temp
        env = dict(os.environ if base_env is None else base_env)
        for key in list(env):
            if key.startswith(("GITHUB_", "RUNNER_", "INPUT_", "PRODGATE_")) or key in ("CI", "PYTHONPATH", "VIRTUAL_ENV"):
                del env[key]
        self.base_env = env

    def steps(self) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = self.action["runs"]["steps"]
        return steps

    def run(
        self,
        workspace: Path,
        inputs: dict[str, str],
        *,
        event_name: str = "pull_request",
        event: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        only: tuple[int, int] | None = None,
        prior: dict[str, dict[str, dict[str, str]]] | None = None,
        files: Path | None = None,
        facts: dict[str, dict[str, str]] | None = None,
    ) -> tuple[ActionRun, Context]:
        """Run steps ``only[0]`` to ``only[1]`` (all by default); ``prior`` gives the
        outputs of steps run before (so an install can happen once per test session);
        ``facts`` replace the outputs of ``uses:`` steps, by action name."""
        facts_given = facts
        files = files or workspace.parent / "runner-files"
        files.mkdir(parents=True, exist_ok=True)
        event_path = files / "event.json"
        event_path.write_text(json.dumps(event or {}), encoding="utf-8")
        declared = self.action.get("inputs", {})
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        github = {"token": "ghs_testtoken0000", "event_name": event_name, "workspace": str(workspace),
                  "action_path": str(self.action_dir)}
        ctx = Context({}, github, {"temp": str(self.runner_temp), "os": "Linux"})
        for name, spec in declared.items():
            default = ctx.substitute(str(spec.get("default", "")))
            ctx.inputs[name] = inputs.get(name, default)
        ctx.steps.update(prior or {})
        runner_env = {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(self.action_dir),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": "acme/app",
            "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_API_URL": "https://api.github.example",
            "GITHUB_RUN_ID": "4242",
            "RUNNER_TEMP": str(self.runner_temp),
            "RUNNER_OS": "Linux",
            **(env or {}),
        }
        summary_all: list[str] = []
        runs: list[StepRun] = []
        code = 0
        steps = self.steps()
        lo, hi = only or (0, len(steps) - 1)
        for index in range(lo, hi + 1):
            step = steps[index]
            sid = step.get("id", f"__step{index}")
            cond = step.get("if")
            if (cond is not None and not ctx.condition(str(cond))) or (cond is None and ctx.failed):
                runs.append(StepRun(sid, step.get("name", sid), 0, skipped=True))
                continue
            if "uses" in step:
                with_ = {k: ctx.substitute(str(v)) for k, v in (step.get("with") or {}).items()}
                name = step["uses"].split("@", 1)[0]
                stand_in = dict((facts_given or {}).get(name, USES_FACTS.get(name, {})))
                runs.append(StepRun(sid, step.get("name", name), 0, stdout="", outputs=stand_in))
                ctx.steps[sid] = {"outputs": stand_in, "with": with_}  # type: ignore[dict-item]
                continue
            assert "${{" not in step["run"], f"expression inside run: of step {sid}"
            output = files / f"output-{index}"
            summary = files / f"summary-{index}"
            for f in (output, summary):
                f.write_text("", encoding="utf-8")
            step_env = {k: ctx.substitute(str(v)) for k, v in (step.get("env") or {}).items()}
            script = files / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            assert step.get("shell") == "bash", "composite run steps must name their shell"
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=workspace,
                env={**self.base_env, **runner_env, **step_env,
                     "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)},
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            outs = read_outputs(output)
            ctx.steps[sid] = {"outputs": outs}
            summary_all.append(summary.read_text(encoding="utf-8"))
            runs.append(StepRun(sid, step.get("name", sid), proc.returncode, proc.stdout, proc.stderr, outs))
            if proc.returncode != 0:
                ctx.failed = True
                code = proc.returncode
        action_outputs = {
            name: ctx.substitute(str(spec.get("value", "")))
            for name, spec in self.action.get("outputs", {}).items()
        }
        return ActionRun(code, runs, action_outputs, "".join(summary_all)), ctx
