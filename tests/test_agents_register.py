"""The register counts agents by the strongest effect of their tools (migration 0005),
from inventories; assets without tools, and gate reports, are not counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]

TOOLS = {
    "payments": "    - {name: refund_order, effect: payment, approval: human}\n    - {name: lookup, effect: read}\n",
    "tickets": "    - {name: update_ticket, effect: write, approval: human}\n",
    "search": "    - {name: search, effect: read}\n",
}


def _inventory(
    tmp_path: Path, run: Run, name: str, tools: str | None, *, failing: bool = False
) -> Path:
    root = tmp_path / name
    (root / ".git").mkdir(parents=True)
    decl = TEAM_SANDBOX.replace("notes-summariser", f"{name}-bot")
    if failing:
        decl = decl.replace("stage: sandbox", "stage: production")
    write(root, "ai-asset.yaml", decl + (f"agent:\n  tools:\n{tools}" if tools else ""))
    inv = tmp_path / f"{name}.json"
    code, _out, err = run(
        "inventory",
        str(root),
        "--today",
        TODAY,
        "--repository",
        f"acme/{name}",
        "-o",
        str(inv),
        "--no-discover",
    )
    assert code == 0, err
    return inv


def _report(run: Run, db: str) -> dict[str, Any]:
    code, out, err = run("register", "--db", db, "report", "--format", "json", "--today", TODAY)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_agents_are_counted_by_their_strongest_effect(tmp_path: Path, run: Run) -> None:
    files = [
        _inventory(tmp_path, run, "payments", TOOLS["payments"]),
        _inventory(tmp_path, run, "refunds", TOOLS["payments"], failing=True),
        _inventory(tmp_path, run, "tickets", TOOLS["tickets"]),
        _inventory(tmp_path, run, "search", TOOLS["search"]),
        _inventory(tmp_path, run, "plain", None),
    ]
    db = str(tmp_path / "r.sqlite")
    code, _out, err = run("register", "--db", db, "add", *map(str, files))
    assert code == 0, err
    assert _report(run, db)["agents_by_effect"] == [
        {"effect": "payment", "assets": 2, "passing": 1, "failing": 1, "compliance": 0.5},
        {"effect": "write", "assets": 1, "passing": 1, "failing": 0, "compliance": 1.0},
        {"effect": "read", "assets": 1, "passing": 1, "failing": 0, "compliance": 1.0},
    ]
    code, out, _err = run(
        "register",
        "--db",
        db,
        "report",
        "--format",
        "csv",
        "--table",
        "agents_by_effect",
        "--today",
        TODAY,
    )
    assert code == 0 and out.splitlines()[:2] == [
        "effect,assets,passing,failing,compliance",
        "payment,2,1,1,0.5",
    ]
    html = tmp_path / "r.html"
    assert run("register", "--db", db, "report", "--html", str(html), "--today", TODAY)[0] == 0
    assert '<table id="agents-by-effect">' in html.read_text()
    with sa.create_engine(f"sqlite:///{db}").connect() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        )


def test_an_unknown_effect_in_an_inventory_is_refused(tmp_path: Path, run: Run) -> None:
    inv = _inventory(tmp_path, run, "payments", TOOLS["payments"])
    doc = json.loads(inv.read_text())
    doc["assets"][0]["agent_effect"] = "teleport"
    inv.write_text(json.dumps(doc))
    code, _out, err = run("register", "--db", str(tmp_path / "r.sqlite"), "add", str(inv))
    assert (
        code == 2
        and "agent_effect 'teleport' is not one of read, write, execute, communicate, payment"
        in err
    ), err


def test_the_registers_effects_are_the_gates() -> None:
    from typing import get_args

    from prodgate.manifest.model import EFFECTS
    from prodgate.register import _shape, vocabulary

    assert vocabulary.EFFECTS == EFFECTS == get_args(_shape.Effect)
