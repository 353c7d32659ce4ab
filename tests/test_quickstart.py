"""The README's quick start, followed literally.

The test reads the first ``bash`` block of the quick start section, runs each
``prodgate`` command as written in an empty folder, plays the person at ``$EDITOR``
(every ``<fill in ...>`` placeholder replaced with a sentence, which is what the comment
asks), writes each ``cat > FILE <<'EOF'`` document as bash would (into a folder that
must exist already), and checks each command's exit code against the ``# exit N`` its
comment states. A quick start that stops working, or that needs a step it does not
mention, fails here. It also counts the commands it takes (editing and writing
documents aside) to reach the merge gate and the deploy gate: a new team gets there
in few steps, or the quick start says something is wrong.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

Run = Callable[..., tuple[int, str, str]]

MERGE_COMMANDS = 4
"""At most this many commands, ``pip install`` included, to a passing merge gate."""
DEPLOY_COMMANDS = 6
"""At most this many, besides writing the documents, to a passing deploy gate."""

_HEREDOC = re.compile(r"^cat > (?P<path>\S+) <<'(?P<end>\w+)'$")


@dataclass(frozen=True)
class Step:
    command: str
    expected: int | None = None
    document: str | None = None
    """The text a ``cat > FILE <<'EOF'`` step writes (None: not such a step)."""

    @property
    def writes(self) -> bool:
        """Editing or writing a document, not a command the count includes."""
        return self.document is not None or self.command.startswith("$EDITOR ")


def _steps() -> list[Step]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section:quickstart -->", 1)[1].split("<!-- /section:quickstart -->", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    steps: list[Step] = []
    lines = iter(block.replace("\\\n", " ").splitlines())
    for line in lines:
        command, _, comment = line.partition("#")
        command = " ".join(command.split())
        expected = re.search(r"\bexit (\d)", comment)
        heredoc = _HEREDOC.match(command)
        if heredoc is not None:
            body = []
            for inner in lines:
                if inner == heredoc["end"]:
                    break
                body.append(inner + "\n")
            else:
                raise AssertionError(f"`{command}`: no closing {heredoc['end']}")
            steps.append(Step(command, document="".join(body)))
        elif command:
            steps.append(Step(command, int(expected.group(1)) if expected else None))
    return steps


def test_quick_start_states_what_each_step_returns() -> None:
    steps = _steps()
    assert steps[0].command == "pip install ."
    assert any(s.command.startswith("$EDITOR ") for s in steps)
    for step in steps:
        if step.command.startswith("prodgate check"):
            assert step.expected is not None, f"say what `{step.command}` returns (# exit N)"


def test_quick_start_followed_literally(committed_repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    # A team follows the quick start inside its repository: a git checkout with history,
    # which the deploy gate needs to judge the evals fresh (PG317 outside one).
    tmp_path = committed_repo
    monkeypatch.chdir(tmp_path)
    commands = 0
    passed: dict[str, int] = {}  # gate -> commands it took to pass
    for step in _steps():
        if not step.writes:
            commands += 1
        if step.command == "pip install .":
            continue  # the suite runs against the installed checkout already
        if step.document is not None:
            match = _HEREDOC.match(step.command)
            assert match is not None
            path = tmp_path / match["path"]
            assert path.parent.is_dir(), f"`{step.command}`: bash cannot write there, {path.parent} does not exist"
            path.write_text(step.document, encoding="utf-8")
            continue
        argv = shlex.split(step.command)
        if argv[0] == "$EDITOR":
            for name in argv[1:]:
                for path in sorted(tmp_path.glob(name)):
                    text = path.read_text(encoding="utf-8")
                    path.write_text(
                        re.sub(r"<fill in[^>]*>", "Drafts first replies that a support agent reviews.", text),
                        encoding="utf-8",
                    )
            continue
        assert argv[0] == "prodgate", step.command
        code, out, err = run(*argv[1:])
        expected = 0 if step.expected is None else step.expected  # a step without a stated exit code succeeds
        assert code == expected, f"`{step.command}` exited {code}, the README says {expected}:\n{out}{err}"
        if argv[1] == "check" and code == 0:
            passed.setdefault("deploy" if "deploy" in argv else "merge", commands)
    assert passed.keys() == {"merge", "deploy"}, "it reaches a passing merge gate and a passing deploy gate"
    assert passed["merge"] <= MERGE_COMMANDS, passed
    assert passed["deploy"] <= DEPLOY_COMMANDS, passed
