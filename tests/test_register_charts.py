"""The register page's charts: drawn in a process of their own while the page is
written, the same bytes as drawn in-process, and the page still comes out whole when
that process cannot start, fails, says something else or hangs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from prodgate.register import charts

import registerdocs

COUNTS: dict[str, Any] = {
    "tier_stage": {t: {s: 10 * i + j for j, s in enumerate(charts.STAGES)} for i, t in enumerate(charts.TIERS)},
    "gate_by_tier": {t: {"passed": 7 + i, "failed": i} for i, t in enumerate(charts.TIERS)},
    "trend": [
        {"date": f"2026-11-{d:02d}", "repositories": d, "assets": 5 * d, "failing": d, "undeclared": d % 3}
        for d in range(1, 10)
    ],
}


@pytest.fixture(scope="module")
def drawn_here() -> list[str]:
    return charts.draw(COUNTS)


def test_the_chart_process_draws_the_same_bytes_as_this_one(monkeypatch: pytest.MonkeyPatch, drawn_here: list[str]) -> None:
    """The charts come from the chart process: drawing here is made to fail, and the
    answer is still the three SVGs drawn here before."""
    process = charts.ChartProcess()
    assert process.proc is not None

    def no_drawing_here(_counts: Any) -> list[str]:
        raise AssertionError("drawn in the report's own process")

    monkeypatch.setattr(charts, "draw", no_drawing_here)
    process.send(COUNTS)
    assert process.result() == drawn_here
    assert len(drawn_here) == len(charts.TITLES) and all(svg.startswith("<svg") for svg in drawn_here)


@pytest.mark.parametrize(
    "serve",
    [
        pytest.param("raise SystemExit(3)", id="fails"),
        pytest.param("import sys; sys.stdin.read(); print('[\"<svg>\"]')", id="one-chart-only"),
        pytest.param("import sys; sys.stdin.read(); print('[1, 2, 3]')", id="not-svg"),
        pytest.param("import sys; sys.stdin.read(); print('<svg')", id="not-json"),
        pytest.param("import sys; sys.stdin.close()", id="reads-nothing"),
    ],
)
def test_a_chart_process_that_does_not_answer_well_is_drawn_here(
    monkeypatch: pytest.MonkeyPatch, drawn_here: list[str], serve: str
) -> None:
    monkeypatch.setattr(charts, "_SERVE", serve)
    process = charts.ChartProcess()
    process.send(COUNTS)
    assert process.result() == drawn_here
    assert process.proc is None


def test_a_chart_process_that_hangs_is_stopped_and_drawn_here(monkeypatch: pytest.MonkeyPatch, drawn_here: list[str]) -> None:
    monkeypatch.setattr(charts, "_SERVE", "import time; time.sleep(60)")
    monkeypatch.setattr(charts, "TIMEOUT", 1.0)
    process = charts.ChartProcess()
    proc = process.proc
    assert proc is not None
    start = time.monotonic()
    process.send(COUNTS)
    assert process.result() == drawn_here
    assert time.monotonic() - start < 30
    assert proc.returncode is not None  # stopped, not left behind


def test_without_an_interpreter_to_start_it_is_drawn_here(monkeypatch: pytest.MonkeyPatch, drawn_here: list[str], tmp_path: Path) -> None:
    monkeypatch.setattr(charts.sys, "executable", str(tmp_path / "no-python"))
    process = charts.ChartProcess()
    assert process.proc is None
    process.send(COUNTS)
    assert process.result() == drawn_here
    monkeypatch.setattr(charts.sys, "executable", "")
    assert charts.ChartProcess().proc is None


def test_close_stops_a_chart_process_never_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    process = charts.ChartProcess()
    proc = process.proc
    assert proc is not None
    process.close()
    assert proc.returncode is not None
    assert process.proc is None
    process.close()  # twice is harmless


def test_the_chart_process_imports_nothing_from_the_checkout_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    """The report may run inside a repository's checkout: a ``matplotlib.py`` there, or
    on ``PYTHONPATH``, is never imported by the chart process (``python -I``)."""
    trap = tmp_path / "checkout"
    trap.mkdir()
    marker = tmp_path / "ran"
    for name in ("matplotlib.py", "json.py", "prodgate_trap.py"):
        (trap / name).write_text(f"open({str(marker)!r}, 'w').write({name!r})\nraise SystemExit(0)\n")
    (trap / "sitecustomize.py").write_text(f"open({str(marker)!r}, 'w').write('sitecustomize')\n")
    monkeypatch.chdir(trap)
    monkeypatch.setenv("PYTHONPATH", str(trap))
    monkeypatch.setenv("PYTHONSTARTUP", str(trap / "matplotlib.py"))
    registerdocs.write_many(tmp_path / "docs", 3, assets_per_repo=2, days=2)
    db = str(tmp_path / "r.sqlite")
    assert run("register", "--db", db, "add", str(tmp_path / "docs"))[0] == 0

    def no_drawing_here(_counts: Any) -> list[str]:
        raise AssertionError("drawn in the report's own process")

    monkeypatch.setattr(charts, "draw", no_drawing_here)  # so these charts came from the chart process
    page = tmp_path / "r.html"
    code, _out, err = run("register", "--db", db, "report", "--html", str(page), "--today", "2026-11-02")
    assert code == 0, err
    assert not marker.exists()
    svgs = re.findall(r"<figure class=\"chart\" aria-label=\"([^\"]+)\"><svg", page.read_text())
    assert tuple(svgs) == charts.TITLES


def test_a_matplotlibrc_in_the_working_directory_changes_no_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout's ``matplotlibrc`` (text as text nodes, red axes, another salt) reaches
    neither the chart process, which runs in prodgate's folder, nor drawing here, which
    uses matplotlib's defaults; matplotlib reads the file, as this test checks first."""
    import subprocess
    import sys

    (tmp_path / "matplotlibrc").write_text("svg.fonttype: none\naxes.facecolor: red\nsvg.hashsalt: other\nlines.linewidth: 9\n")
    monkeypatch.chdir(tmp_path)
    probe = subprocess.run([sys.executable, "-c", "import matplotlib; print(matplotlib.rcParams['svg.fonttype'])"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "none"  # matplotlib does read it from here

    clean = tmp_path / "clean"
    clean.mkdir()
    expected = subprocess.run(
        [sys.executable, "-c", "import json, sys; from prodgate.register.charts import draw; print(json.dumps(draw(json.loads(sys.argv[1]))))",
         json.dumps(COUNTS)], capture_output=True, text=True, check=True, cwd=clean).stdout
    process = charts.ChartProcess()
    process.send(COUNTS)
    assert process.result() == json.loads(expected)
    code = ("import json, sys; from prodgate.register.charts import draw; "
            "print(json.dumps(draw(json.loads(sys.argv[1]))))")
    here = subprocess.run([sys.executable, "-c", code, json.dumps(COUNTS)], capture_output=True, text=True, check=True).stdout
    assert json.loads(here) == json.loads(expected)
    assert "<text" not in here and "#ff0000" not in here  # no text nodes, no red axes
