"""The README's quick start, followed literally.

The test reads the first ``bash`` block of the quick start section, runs each
``prodgate`` command as written in an empty folder, plays the person at ``$EDITOR``
(every ``<fill in ...>`` placeholder replaced with a sentence, which is what the comment
asks), and checks each command's exit code against the ``# exit N`` its comment states.
A quick start that stops working, or that needs a step it does not mention, fails here.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO

Run = Callable[..., tuple[int, str, str]]


def _steps() -> list[tuple[str, int | None]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section:quickstart -->", 1)[1].split("<!-- /section:quickstart -->", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, int | None]] = []
    for line in block.replace("\\\n", " ").splitlines():
        command, _, comment = line.partition("#")
        expected = re.search(r"\bexit (\d)", comment)
        if command.strip():
            steps.append((" ".join(command.split()), int(expected.group(1)) if expected else None))
    return steps


def test_quick_start_states_what_each_step_returns() -> None:
    steps = _steps()
    assert steps[0][0] == "pip install ."
    assert any(c.startswith("$EDITOR ") for c, _ in steps)
    for command, expected in steps:
        if command.startswith("prodgate check"):
            assert expected is not None, f"say what `{command}` returns (# exit N)"


def test_quick_start_followed_literally(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    results = []
    for command, expected in _steps():
        if command == "pip install .":
            continue  # the suite runs against the installed checkout already
        argv = shlex.split(command)
        if argv[0] == "$EDITOR":
            for name in argv[1:]:
                for path in sorted(tmp_path.glob(name)):
                    text = path.read_text(encoding="utf-8")
                    path.write_text(
                        re.sub(r"<fill in[^>]*>", "Drafts first replies that a support agent reviews.", text),
                        encoding="utf-8",
                    )
            continue
        assert argv[0] == "prodgate", command
        code, out, err = run(*argv[1:])
        results.append((command, code))
        expected = 0 if expected is None else expected  # a step without a stated exit code succeeds
        assert code == expected, f"`{command}` exited {code}, the README says {expected}:\n{out}{err}"
    assert any(c.startswith("prodgate check") and code == 0 for c, code in results), "it reaches a passing gate"
