"""Command line: ``prodgate check|discover|init|explain|validate|inventory|register|schema|policy|attest|verify``.

Parsing is kept apart from execution (each command is a function taking the parsed
namespace), and each command imports what it needs when it runs, so ``prodgate
explain`` never loads pydantic and ``check`` never loads requests unless it fetches.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from prodgate import __version__
from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.reporters import REPORTERS

GATES = ("merge", "deploy")
PIN_HELP = "refuse the policy unless its content has this digest (`prodgate policy --digest`; sha256: prefix optional)"
COMMANDS = (
    "check", "discover", "init", "explain", "validate", "inventory", "register", "schema", "policy", "attest", "verify",
)


class _Parser(argparse.ArgumentParser):
    """argparse, with its messages (which echo arguments: file names from a hook or a
    workflow) printed through the output-hygiene layer."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        from prodgate.hygiene import clean

        super()._print_message(clean(message) if message else message, file)

    def error(self, message: str) -> NoReturn:
        """argparse's usage error, with a "did you mean" for a mistyped choice
        (``prodgate chek`` -> ``check``; ``--gate deplyo`` -> ``deploy``)."""
        import re

        # Python versions differ in quoting the value and the choices.
        m = re.search(r"invalid choice: '?(.*?)'? \(choose from (.*)\)", message)
        if m:
            import difflib

            choices = [c.strip().strip("'") for c in m.group(2).split(",")]
            close = difflib.get_close_matches(m.group(1), choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
        super().error(message)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``command``, only that command's options are declared (the
    others are listed, for help and for "did you mean"): declaring every option of every
    command costs more than the rest of a small run's start-up before git grep starts."""

    def full(name: str) -> bool:
        return command is None or command == name

    parser = _Parser(
        prog="prodgate",
        description="Production gate for AI systems: checks ai-asset.yaml declarations "
        "against a tiered policy and the evidence in the repository.",
        epilog="Exit codes: 0 passed, 1 gate failed, 2 usage or configuration error, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"prodgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="run the gate on the declarations under PATH")
    if full("check"):
        check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
        check.add_argument("--gate", choices=GATES, default="merge", help="merge (pull request) or deploy (stricter)")
        check.add_argument("--policy", metavar="FILE|URL", help="organisation policy (extends: builtin); default: built-in")
        check.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        check.add_argument(
            "--format", "-f", action="append", metavar="FORMAT[=FILE]",
            help=f"output format, repeatable: {', '.join(REPORTERS)}; FORMAT=FILE writes to a file "
            "(default: github under GitHub Actions, else text)",
        )
        check.add_argument("--output", "-o", metavar="FILE", help="write the (single) format to FILE instead of stdout")
        check.add_argument("--fail-on", choices=("error", "warning"), default="error", help="lowest severity that fails the gate")
        check.add_argument("--today", metavar="YYYY-MM-DD", help="date to judge expiry, review and eval age against")
        check.add_argument("--root", metavar="DIR", help="repository root (default: git top level, else the path)")
        check.add_argument(
            "--base", metavar="REF",
            help="compare with this commit (a pull request's base): weakened or removed declarations "
            "fail (PG701, PG703); the default on a GitHub pull request is its base commit",
        )
        check.add_argument(
            "--pull-request", metavar="OWNER/REPO#NUMBER[@SHA]",
            help="verify exception approvals against this pull request's reviews of its head commit, "
            "or of commit SHA when given (the Action passes the event's head); "
            "token from GITHUB_TOKEN, API from GITHUB_API_URL",
        )
        check.add_argument("--policy-origin", metavar="PATH", help=argparse.SUPPRESS)
        check.add_argument(
            "--changed", action="store_true",
            help="PATHs are changed files: check only the assets they touch (the pre-commit hook)",
        )
        check.add_argument(
            "--no-discover", dest="discover", action="store_false",
            help="skip the discovery of undeclared AI use (PG801-PG804)",
        )
        check.add_argument(
            "--attest", metavar="FILE",
            help="also write the verdict as an in-toto Statement (SLSA verification summary) to FILE",
        )
        check.add_argument(
            "--subject", action="append", metavar="PATH|NAME@sha256:HEX",
            help="with --attest, repeatable: the artifact the verdict is about (default: the commit)",
        )
        color = check.add_mutually_exclusive_group()
        color.add_argument("--color", dest="color", action="store_true", default=None, help="force colour")
        color.add_argument("--no-color", dest="color", action="store_false", help="no colour")

    disc = sub.add_parser("discover", help="find AI use in the repository and the asset covering each")
    if full("discover"):
        disc.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
        disc.add_argument("--format", "-f", choices=("text", "json", "sarif"), default="text")
        disc.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
        disc.add_argument("--policy", metavar="FILE|URL", help="organisation policy: its discovery signatures and exemptions")
        disc.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        disc.add_argument("--root", metavar="DIR", help="repository root (default: git top level, else the path)")
        disc.add_argument(
            "--changed", action="store_true",
            help="PATHs are changed files: scan exactly these (the pre-commit hook)",
        )
        dcolor = disc.add_mutually_exclusive_group()
        dcolor.add_argument("--color", dest="color", action="store_true", default=None, help="force colour")
        dcolor.add_argument("--no-color", dest="color", action="store_false", help="no colour")

    init = sub.add_parser("init", help="scaffold ai-asset.yaml and the artifact stubs its tier needs")
    if full("init"):
        init.add_argument("directory", nargs="?", default=".", metavar="DIR")
        init.add_argument("--name", help="asset name: lowercase letters, digits, dashes (required for a new asset)")
        init.add_argument(
            "--tier", choices=("team", "departmental", "enterprise"), help="required for a new asset"
        )
        init.add_argument(
            "--stage", default="sandbox", choices=("sandbox", "pilot", "production", "retired"),
            help="lifecycle stage (default: sandbox)",
        )
        init.add_argument(
            "--add-missing", action="store_true",
            help="the asset in DIR exists: write the stubs its policy requires that are missing "
            "(never overwriting) and declare them under artifacts:",
        )
        init.add_argument("--owner", metavar='"NAME <EMAIL>"', help="accountable owner (default: from git config)")
        init.add_argument(
            "--policy", metavar="FILE|URL", help="policy whose requirements decide the stubs, and whose templates write them"
        )
        init.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        init.add_argument(
            "--eval", action="append", default=[], metavar="NAME=FORMAT:PATH",
            help="declare an eval whose results the tool writes at PATH (repeatable); never writes the results",
        )

    explain = sub.add_parser("explain", help="explain a rule (no argument: list all rules)")
    if full("explain"):
        explain.add_argument("rule", nargs="?", metavar="RULE", help="rule id (PG204) or name")
        explain.add_argument("--markdown", action="store_true", help="print the rule table as Markdown")

    validate = sub.add_parser("validate", help="check only the YAML and schema of declarations (fast)")
    if full("validate"):
        validate.add_argument("files", nargs="+", metavar="FILE", help="ai-asset.yaml files")
        vcolor = validate.add_mutually_exclusive_group()
        vcolor.add_argument("--color", dest="color", action="store_true", default=None, help="force colour")
        vcolor.add_argument("--no-color", dest="color", action="store_false", help="no colour")

    inv = sub.add_parser("inventory", help="list every declared asset of a repository and how it stands")
    if full("inventory"):
        inv.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
        inv.add_argument(
            "--format", "-f", choices=("json", "csv", "markdown", "cyclonedx"), default="json",
            help="json (default; what the register ingests), csv, markdown or cyclonedx (CycloneDX ML-BOM)",
        )
        inv.add_argument(
            "--spec-version", choices=("1.6", "1.5"), default=None,
            help="CycloneDX version of --format cyclonedx: 1.6 (default) or 1.5 for tools that read no newer",
        )
        inv.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
        inv.add_argument("--repository", metavar="NAME", help="repository name (default: origin remote, else folder name)")
        inv.add_argument("--gate", choices=GATES, default="merge", help="gate whose status is reported")
        inv.add_argument("--policy", metavar="FILE|URL", help="organisation policy (extends: builtin); default: built-in")
        inv.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        inv.add_argument("--today", metavar="YYYY-MM-DD", help="date to judge expiry, review and eval age against")
        inv.add_argument("--root", metavar="DIR", help="repository root (default: git top level, else the path)")
        inv.add_argument(
            "--no-discover", dest="discover", action="store_false",
            help="skip the discovery of undeclared AI use (listed under undeclared)",
        )

    reg = sub.add_parser(
        "register", help="the cross-repository register of inventories (needs the register extra)",
        description="A database of inventories and gate reports: observations of each repository over time.",
    )
    if full("register"):
        db_help = ("SQLite file or database URL, e.g. postgresql+psycopg://host/db (default: register.sqlite, "
                   "or $PRODGATE_REGISTER_DB)")
        reg.add_argument(
            "--db", default=os.environ.get("PRODGATE_REGISTER_DB", "register.sqlite"), metavar="FILE|URL", help=db_help,
        )
        # --db after the command too (`register add FILE --db X`): declared on each command
        # without a default, so that given before the command it is not overwritten.
        db = _Parser(add_help=False)
        db.add_argument("--db", default=argparse.SUPPRESS, metavar="FILE|URL", help=db_help)
        rsub = reg.add_subparsers(dest="register_command", metavar="COMMAND")
        radd = rsub.add_parser("add", parents=[db], help="ingest JSON reports or inventories (files, or folders of *.json)")
        radd.add_argument("targets", nargs="+", metavar="FILE_OR_DIR")
        radd.add_argument("--repository", metavar="NAME", help="file them under NAME (for documents that name none)")
        radd.add_argument("--verbose", "-v", action="store_true", help="one line per file")
        rscan = rsub.add_parser("scan", parents=[db], help="run the inventory over local checkouts in parallel and ingest it")
        rscan.add_argument("dirs", nargs="+", metavar="DIR", help="a checkout, or a folder of checkouts")
        rscan.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: CPUs)")
        rscan.add_argument("--gate", choices=GATES, default="merge")
        rscan.add_argument("--policy", metavar="FILE|URL", help="organisation policy; default: built-in")
        rscan.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        rscan.add_argument("--today", metavar="YYYY-MM-DD")
        rscan.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
        rscan.add_argument("--no-discover", dest="discover", action="store_false", help="skip the discovery of undeclared AI")
        rscan.add_argument(
            "--shard", metavar="K/N",
            help="scan only shard K of N (1 <= K <= N), chosen by a hash of each repository's name: one per CI job",
        )
        rscan.add_argument(
            "--full", action="store_true",
            help="scan every checkout, even one whose HEAD is the commit of its latest snapshot (default: skip it)",
        )
        rtri = rsub.add_parser(
            "triage", parents=[db], help="record the office's decision on one undeclared AI location (kept across scans)",
        )
        rtri.add_argument("repository", metavar="REPO", help="the repository, owner/name")
        rtri.add_argument("path", metavar="PATH", help="the file, relative to the repository's root")
        rtri.add_argument("--state", required=True, choices=("accepted", "declared", "false-positive"))
        rtri.add_argument("--note", default="", metavar="TEXT", help="why (shown with the location)")
        rimp = rsub.add_parser(
            "impact", parents=[db],
            help="the assets a candidate policy would newly fail, judged on the stored facts (writes nothing)",
        )
        rimp.add_argument("--policy", required=True, metavar="FILE|URL", help="the candidate policy")
        rimp.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        rimp.add_argument(
            "--against", metavar="FILE|URL", help="the policy in force, to tell new failures from old (default: built-in)",
        )
        rimp.add_argument("--against-sha256", metavar="HEX", help="refuse --against unless its content has this digest")
        rimp.add_argument("--format", choices=("text", "csv", "json"), default="text")
        rimp.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
        rimp.add_argument("--today", metavar="YYYY-MM-DD", help="date for eval ages, reviews and exceptions")
        rrep = rsub.add_parser("report", parents=[db], help="the register as one offline HTML page, or its tables as CSV or JSON")
        rrep.add_argument("--html", metavar="FILE", help="write the HTML page to FILE")
        rrep.add_argument("--format", choices=("csv", "json", "text"), help="export tables instead (text: with --since)")
        rrep.add_argument(
            "--table", default="assets",
            choices=("assets", "totals", "tier_stage", "gate_by_tier", "expiring_exceptions", "overdue_reviews",
                     "undeclared_by_repository", "owners", "by_team", "by_policy", "agents_by_effect", "trend",
                     "stale_repositories", "undeclared_locations", "lapsed_exceptions", "failing_as_of", "by_business_owner",
                     "by_model", "by_classification", "unowned", "not_codeowner", "broken"),
            help="the table --format csv writes (default: assets)",
        )
        rrep.add_argument("--output", "-o", metavar="FILE", help="write the export to FILE instead of stdout")
        rrep.add_argument(
            "--today", metavar="YYYY-MM-DD",
            help="the date the register is judged as of: exceptions, reviews, eval ages, staleness",
        )
        rrep.add_argument(
            "--since", nargs="?", const="", metavar="YYYY-MM-DD",
            help="what changed per asset since DATE (default: 7 days before --today), as text or --format json",
        )
        rrep.add_argument(
            "--policy", metavar="FILE|URL",
            help="policy for eval ages and the rescan interval as of --today (default: built-in)",
        )
        rrep.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        rrep.add_argument(
            "--link-template", default="https://github.com/{repository}/blob/{commit}/{path}", metavar="URL",
            help="link of each asset; {repository}, {commit}, {path}; empty for none",
        )

    sub.add_parser("schema", help="print the JSON Schema of ai-asset.yaml")

    pol = sub.add_parser("policy", help="print the effective policy")
    if full("policy"):
        pol.add_argument("--policy", metavar="FILE|URL", help="organisation policy (default: built-in)")
        pol.add_argument("--policy-sha256", metavar="HEX", help=PIN_HELP)
        pol.add_argument("--format", choices=("yaml", "json"), default="yaml")
        pol.add_argument(
            "--digest", action="store_true",
            help="print only the policy's digest, the value to pin with --policy-sha256",
        )
        psub = pol.add_subparsers(dest="policy_command", metavar="COMMAND")
        pdiff = psub.add_parser(
            "diff", help="the differences of two effective policies, each said stricter or weaker (exit 0)",
        )
        pdiff.add_argument("old", metavar="OLD", help="the policy now in force: a file, a URL or 'builtin'")
        pdiff.add_argument("new", metavar="NEW", help="the candidate policy: a file, a URL or 'builtin'")
        pdiff.add_argument("--old-sha256", metavar="HEX", help="refuse OLD unless its content has this digest")
        pdiff.add_argument("--new-sha256", metavar="HEX", help="refuse NEW unless its content has this digest")
        pdiff.add_argument("--format", choices=("text", "json"), default="text", dest="diff_format")
    att = sub.add_parser("attest", help="sign a gate verdict (--attest's statement) into a DSSE envelope")
    if full("attest"):
        asub = att.add_subparsers(dest="attest_command", metavar="COMMAND", required=True)
        asign = asub.add_parser("sign", help="sign STATEMENT with an ECDSA P-256 or Ed25519 private key")
        asign.add_argument("statement", metavar="STATEMENT", help="the statement prodgate check --attest wrote")
        asign.add_argument(
            "--key", required=True, metavar="PRIVATE.pem",
            help="PEM private key (its password, if any, from $PRODGATE_KEY_PASSWORD)",
        )
        asign.add_argument("--output", "-o", metavar="ENVELOPE", help="write the envelope to ENVELOPE instead of stdout")

    ver = sub.add_parser(
        "verify", help="admit a release only on a gate verdict that holds (exit 0), else name why (exit 1)",
    )
    if full("verify"):
        ver.add_argument(
            "file", metavar="FILE",
            help="DSSE envelope, statement, or the JSON of `gh attestation verify --format json`",
        )
        ver.add_argument("--key", metavar="PUBLIC.pem", help="require a DSSE signature by this public key")
        ver.add_argument("--commit", required=True, metavar="SHA", help="the commit to deploy (full id)")
        ver.add_argument("--gate", choices=GATES, required=True, help="the gate that must have passed")
        ver.add_argument("--policy-sha256", metavar="HEX", help="the policy's pinned sha256 (as check --policy-sha256)")
        ver.add_argument(
            "--max-age", default="24h", metavar="AGE",
            help="refuse a verdict older than this: 90s, 30m, 24h, 7d, or none (default: 24h)",
        )
        ver.add_argument(
            "--subject", action="append", metavar="PATH|NAME@sha256:HEX",
            help="repeatable: an artifact the verdict must be about",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # pydantic looks for third-party plugins by scanning the entry points of every
    # installed distribution when the first model is built; prodgate has no use for
    # them and the scan is a measurable share of a pre-commit hook's run time.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    program = argv is None  # the console script: the process exits when this returns
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_command_named(argv))
    clash = _option_naming_a_file(argv)
    if clash is not None:
        return error(
            f"{clash!r} is given as an option but is also a file here: put `--` before file "
            "names (`prodgate check -- FILE...`); the shipped pre-commit hooks do"
        )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ec.USAGE
    try:
        if args.command == "check" and args.changed:
            from prodgate.commands.hook_check import run_changed

            return run_changed(args)
        if args.command == "check":
            from prodgate.commands.check import run_check

            return run_check(args)
        if args.command == "discover":
            from prodgate.commands.discover import run_discover

            code = run_discover(args)
            if program:
                # The last collection at exit walks every object still alive (the
                # listing, the detections, the modules): frozen, they are freed
                # without it, some 20 ms of a run on 20,000 files.
                import gc

                gc.freeze()
            return code
        if args.command == "init" and args.add_missing:
            from prodgate.commands.init_missing import run_add_missing

            return run_add_missing(args)
        if args.command == "init":
            from prodgate.commands.init import run_init

            return run_init(args)
        if args.command == "explain":
            from prodgate.commands.explain import run_explain

            return run_explain(args)
        if args.command == "validate":
            from prodgate.commands.validate import run_validate

            return run_validate(args)
        if args.command == "inventory":
            from prodgate.commands.inventory import run_inventory

            return run_inventory(args)
        if args.command == "register":
            from prodgate.commands.register import run_register

            return run_register(args)
        if args.command == "schema":
            from prodgate.manifest.schema import schema_json

            sys.stdout.write(schema_json())
            return ec.PASSED
        if args.command == "attest":
            from prodgate.commands.attest import run_attest

            return run_attest(args)
        if args.command == "verify":
            from prodgate.commands.verify import run_verify

            return run_verify(args)
        if args.command == "policy":
            from prodgate.commands.policy import run_policy

            return run_policy(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ec.PASSED
    except Exception as exc:  # the last line of defence: never a bare traceback
        if os.environ.get("PRODGATE_DEBUG"):
            raise
        from prodgate.hygiene import message

        # The exception's text may quote a path or a value from the pull request.
        sys.stderr.write(
            f"prodgate: internal error: {message(f'{type(exc).__name__}: {exc}')}\n"
            "Set PRODGATE_DEBUG=1 for the traceback, and please report it.\n"
        )
        return ec.INTERNAL
    parser.error(f"unknown command {args.command}")  # pragma: no cover


def _command_named(argv: list[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option: the top level
    has no option taking a value), or None when that is not a command (the parser then
    declares everything, and says what is wrong as it always has)."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in COMMANDS else None


def _option_naming_a_file(argv: list[str]) -> str | None:
    """An argument before ``--`` that reads as an option yet names an existing file.

    Tools that pass file names (pre-commit, ``xargs``) can be fed a committed file called
    ``--output=README.md``; without ``--`` before the names it would be obeyed. No real
    option value is a file with such a name, so refusing costs nothing.
    """
    for arg in argv[: argv.index("--") if "--" in argv else len(argv)]:
        if arg.startswith("-") and len(arg) > 1 and os.path.lexists(arg):
            return arg
    return None
