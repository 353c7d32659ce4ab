"""The gate's verdict as a signed attestation: ``check --attest`` writes an in-toto
Statement with a SLSA verification summary, ``attest sign`` wraps it in a DSSE
envelope, and ``verify`` admits a release only when every part of the verdict holds,
naming the one part that does not."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from referencing import Registry, Resource

from gitrepo import commit, git, init

from conftest import DATA, TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]
SCHEMAS = DATA / "attestation"

# An enterprise system in production with none of the evidence its tier requires.
FAILING = TEAM_SANDBOX.replace("notes-summariser\ntier: team\nstage: sandbox", "claims-triage\ntier: enterprise\nstage: production")


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validate(statement: dict[str, Any]) -> None:
    """The statement against the in-toto Statement v1 and SLSA VSA v1 field rules."""
    statement_schema, vsa_schema = _schema("in-toto-statement-v1.schema.json"), _schema("slsa-vsa-v1.schema.json")
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in (statement_schema, vsa_schema)]
    )
    checker = jsonschema.FormatChecker()
    jsonschema.Draft202012Validator(statement_schema, registry=registry, format_checker=checker).validate(statement)
    jsonschema.Draft202012Validator(vsa_schema, registry=registry, format_checker=checker).validate(statement["predicate"])


def _repo(tmp_path: Path, declaration: str = TEAM_SANDBOX) -> tuple[Path, str]:
    root = init(tmp_path / "app")
    write(root, "ai-asset.yaml", declaration)
    git(root, "remote", "add", "origin", "https://github.com/acme/app.git")
    return root, commit(root, "app")


def _attest(run: Run, root: Path, out: Path, *extra: str, gate: str = "deploy") -> tuple[int, dict[str, Any]]:
    code, _out, err = run(
        "check", str(root), "--gate", gate, "--today", TODAY, "--format", f"json={out.parent / 'report.json'}",
        "--attest", str(out), *extra,
    )
    assert code in (0, 1), err
    return code, json.loads(out.read_text(encoding="utf-8"))


def _pem(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey, where: Path, password: bytes | None = None) -> tuple[Path, Path]:
    private, public = where.with_suffix(".pem"), where.with_suffix(".pub.pem")
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ))
    return private, public


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return _pem(ed25519.Ed25519PrivateKey.generate(), tmp_path / "gate")


def _sign(run: Run, statement: dict[str, Any] | Path, key: Path, where: Path) -> Path:
    if isinstance(statement, dict):
        source = where.with_suffix(".statement.json")
        source.write_text(json.dumps(statement), encoding="utf-8")
    else:
        source = statement
    code, _out, err = run("attest", "sign", str(source), "--key", str(key), "-o", str(where))
    assert code == 0, err
    return where


def _verify(run: Run, file: Path, sha: str, *extra: str, gate: str = "deploy") -> tuple[int, str, str]:
    return run("verify", str(file), "--commit", sha, "--gate", gate, *extra)


# --- the statement ------------------------------------------------------------------


def test_statement_is_an_in_toto_vsa_of_the_commit(tmp_path: Path, run: Run) -> None:
    root, sha = _repo(tmp_path)
    code, statement = _attest(run, root, tmp_path / "out" / "verdict.json")
    assert code == 0
    validate(statement)
    assert statement["subject"] == [{"name": "git+https://github.com/acme/app", "digest": {"gitCommit": sha}}]
    predicate = statement["predicate"]
    assert predicate["resourceUri"] == f"git+https://github.com/acme/app@{sha}"
    assert predicate["verificationResult"] == "PASSED"
    assert predicate["verifiedLevels"] == ["PRODGATE_DEPLOY_GATE"]
    assert predicate["verifier"] == {"id": "https://github.com/prodgate/prodgate", "version": {"prodgate": "0.1.0"}}
    extension = predicate["https://github.com/prodgate/prodgate/attestation/v1"]
    assert extension["assets"] == [{
        "name": "notes-summariser", "path": "ai-asset.yaml", "tier": "team", "effectiveTier": "team",
        "stage": "sandbox", "result": "PASSED",
    }]
    report = (tmp_path / "out" / "report.json").read_bytes()
    assert extension["evidence"] == {"uri": "report.json", "digest": {"sha256": hashlib.sha256(report).hexdigest()}}
    # The policy digest is the one --policy-sha256 pins.
    pinned = predicate["policy"]["digest"]["sha256"]
    assert run("check", str(root), "--today", TODAY, "--policy-sha256", pinned)[0] == 0
    assert json.loads(report)["policy"]["source_sha256"] == pinned


def test_policy_in_the_repository_is_named_at_the_commit(tmp_path: Path, run: Run) -> None:
    root, _ = _repo(tmp_path)
    write(root, ".github/policy.yaml", "extends: builtin\n")
    sha = commit(root, "policy")
    _code, statement = _attest(run, root, tmp_path / "verdict.json", "--policy", str(root / ".github/policy.yaml"))
    policy = statement["predicate"]["policy"]
    assert policy["uri"] == f"git+https://github.com/acme/app@{sha}#.github/policy.yaml"
    # The policy's content digest: what `prodgate policy --digest` prints and --policy-sha256 pins.
    _c, digest, _e = run("policy", "--policy", str(root / ".github/policy.yaml"), "--digest")
    assert policy["digest"]["sha256"] == digest.strip().removeprefix("sha256:")


def test_failed_gate_is_attested_as_failed(tmp_path: Path, run: Run) -> None:
    root, _ = _repo(tmp_path, FAILING)
    code, statement = _attest(run, root, tmp_path / "verdict.json")
    assert code == 1
    validate(statement)
    assert statement["predicate"]["verificationResult"] == "FAILED"
    assert statement["predicate"]["verifiedLevels"] == ["FAILED"]


def test_subjects_bind_the_verdict_to_artifacts(tmp_path: Path, run: Run) -> None:
    root, sha = _repo(tmp_path)
    wheel = write(tmp_path, "dist/app-1.0-py3-none-any.whl", "wheel bytes")
    image = "ghcr.io/acme/app@sha256:" + "ab" * 32
    _code, statement = _attest(run, root, tmp_path / "verdict.json", "--subject", str(wheel), "--subject", image)
    validate(statement)
    assert statement["subject"] == [
        {"name": wheel.as_posix(), "digest": {"sha256": hashlib.sha256(b"wheel bytes").hexdigest()}},
        {"name": "ghcr.io/acme/app", "digest": {"sha256": "ab" * 32}},
    ]
    assert _verify(run, tmp_path / "verdict.json", sha, "--subject", str(wheel), "--subject", image)[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--subject", "dist/missing.whl"], "--subject 'dist/missing.whl': not a file, nor NAME@sha256:HEX"),
    (["--subject", "img@sha256:abc"], "--subject 'img@sha256:abc': expected NAME@sha256: and 64 hex digits"),
])
def test_bad_subject_is_a_usage_error_before_the_gate_runs(tmp_path: Path, run: Run, args: list[str], message: str) -> None:
    root, _ = _repo(tmp_path)
    code, out, err = run("check", str(root), "--attest", str(tmp_path / "v.json"), *args)
    assert (code, out, err) == (2, "", f"prodgate: error: {message}\n")
    assert not (tmp_path / "v.json").exists()


def test_subject_without_attest_is_a_usage_error(tmp_path: Path, run: Run) -> None:
    root, _ = _repo(tmp_path)
    code, _out, err = run("check", str(root), "--subject", "x@sha256:" + "0" * 64)
    assert code == 2 and "--subject needs --attest FILE" in err


def test_attest_of_changed_files_only_is_a_usage_error(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _repo(tmp_path)
    monkeypatch.chdir(root)
    code, _out, err = run("check", "--changed", "--attest", str(tmp_path / "v.json"), "--", "ai-asset.yaml")
    assert (code, err) == (2, "prodgate: error: --attest cannot be used with --changed: a verdict is about the whole checkout given\n")
    assert not (tmp_path / "v.json").exists()


def test_attest_outside_a_commit_is_a_usage_error(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "plain"
    write(root, "ai-asset.yaml", TEAM_SANDBOX)
    code, _out, err = run("check", str(root), "--attest", str(tmp_path / "v.json"))
    assert code == 2 and "not at a git commit" in err
    assert not (tmp_path / "v.json").exists()


def test_check_with_attest_never_imports_cryptography(tmp_path: Path) -> None:
    root, _ = _repo(tmp_path)
    code = (
        "import sys, io, contextlib\n"
        "from prodgate.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['check', '.', '--attest', {str(tmp_path / 'v.json')!r}])\n"
        "print(rc, 'cryptography' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]
    assert (tmp_path / "v.json").exists()


# --- signing and verifying -----------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa-p256"])
def test_sign_and_verify_round_trip(tmp_path: Path, run: Run, algorithm: str) -> None:
    key = ed25519.Ed25519PrivateKey.generate() if algorithm == "ed25519" else ec.generate_private_key(ec.SECP256R1())
    private, public = _pem(key, tmp_path / algorithm)
    root, sha = _repo(tmp_path)
    _attest(run, root, tmp_path / "verdict.json")
    envelope = _sign(run, tmp_path / "verdict.json", private, tmp_path / "verdict.dsse.json")
    doc = json.loads(envelope.read_text(encoding="utf-8"))
    assert doc["payloadType"] == "application/vnd.in-toto+json"
    assert base64.b64decode(doc["payload"]) == (tmp_path / "verdict.json").read_bytes()
    code, out, err = _verify(run, envelope, sha, "--key", str(public), "--max-age", "1h")
    assert (code, err) == (0, "")
    assert out.startswith(f"prodgate: verified: the deploy gate PASSED commit {sha[:12]} (policy sha256 ")
    assert out.endswith(f"signed by {public})\n")


def test_encrypted_key_takes_its_password_from_the_environment(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = _pem(ed25519.Ed25519PrivateKey.generate(), tmp_path / "locked", password=b"s3cret")
    root, sha = _repo(tmp_path)
    _attest(run, root, tmp_path / "verdict.json")
    code, _out, err = run("attest", "sign", str(tmp_path / "verdict.json"), "--key", str(private))
    assert (code, err) == (2, f"prodgate: error: {private}: the key is encrypted; put its password in $PRODGATE_KEY_PASSWORD\n")
    monkeypatch.setenv("PRODGATE_KEY_PASSWORD", "s3cret")
    envelope = _sign(run, tmp_path / "verdict.json", private, tmp_path / "env.json")
    assert _verify(run, envelope, sha, "--key", str(public))[0] == 0


def _signed_verdict(tmp_path: Path, run: Run, keys: tuple[Path, Path], declaration: str = TEAM_SANDBOX,
                    gate: str = "deploy", edit: Callable[[dict[str, Any]], None] | None = None) -> tuple[Path, str]:
    root, sha = _repo(tmp_path, declaration)
    _code, statement = _attest(run, root, tmp_path / "verdict.json", gate=gate)
    if edit:
        edit(statement)
    return _sign(run, statement, keys[0], tmp_path / "verdict.dsse.json"), sha


def _tamper(envelope: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(envelope.read_text(encoding="utf-8"))
    statement = json.loads(base64.b64decode(doc["payload"]))
    change(statement)
    doc["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    envelope.write_text(json.dumps(doc), encoding="utf-8")


def _old(statement: dict[str, Any]) -> None:
    statement["predicate"]["timeVerified"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_tampered_result_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys, FAILING)

    def passed(s: dict[str, Any]) -> None:
        s["predicate"]["verificationResult"] = "PASSED"
        s["predicate"]["verifiedLevels"] = ["PRODGATE_DEPLOY_GATE"]

    _tamper(envelope, passed)
    assert _verify(run, envelope, sha, "--key", str(keys[1])) == (
        1, "", f"prodgate: refused: {envelope}: the signature does not verify with the given key\n"
    )


def test_tampered_subject_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys)
    other = "f" * 40
    _tamper(envelope, lambda s: s["subject"][0]["digest"].update(gitCommit=other))
    assert _verify(run, envelope, sha, "--key", str(keys[1]))[2] == (
        f"prodgate: refused: {envelope}: the signature does not verify with the given key\n"
    )
    # Unsigned, the tampered subject no longer names the commit.
    statement = json.loads(base64.b64decode(json.loads(envelope.read_text(encoding="utf-8"))["payload"]))
    bare = write(tmp_path, "bare.json", json.dumps(statement))
    assert _verify(run, bare, sha) == (1, "", f"prodgate: refused: the verdict's subject is not commit {sha}\n")


def test_subject_of_another_artifact_is_refused(tmp_path: Path, run: Run) -> None:
    root, sha = _repo(tmp_path)
    judged = write(tmp_path, "dist/app.whl", "judged")
    other = write(tmp_path, "dist/other.whl", "not judged")
    _attest(run, root, tmp_path / "verdict.json", "--subject", str(judged))
    digest = hashlib.sha256(b"not judged").hexdigest()
    assert _verify(run, tmp_path / "verdict.json", sha, "--subject", str(other)) == (
        1, "", f"prodgate: refused: the verdict's subjects do not include {other.as_posix()} (sha256 {digest})\n"
    )


def test_another_commit_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys)
    other = "0123456789abcdef" * 2 + "01234567"
    assert _verify(run, envelope, other, "--key", str(keys[1])) == (
        1, "", f"prodgate: refused: the verdict is about commit '{sha}', not {other}\n"
    )


def test_failed_verdict_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys, FAILING)
    assert _verify(run, envelope, sha, "--key", str(keys[1])) == (
        1, "", "prodgate: refused: the gate's verdict is 'FAILED'\n"
    )


def test_verdict_of_another_gate_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys, gate="merge")
    assert _verify(run, envelope, sha, "--key", str(keys[1])) == (
        1, "",
        "prodgate: refused: the verdict is not the deploy gate's: verifiedLevels has 'PRODGATE_MERGE_GATE', "
        "not PRODGATE_DEPLOY_GATE\n",
    )


def test_wrong_policy_digest_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys)
    statement = json.loads(base64.b64decode(json.loads(envelope.read_text(encoding="utf-8"))["payload"]))
    judged_by = statement["predicate"]["policy"]["digest"]["sha256"]
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--policy-sha256", judged_by.upper())[0] == 0
    # The form `prodgate policy --digest` prints, as every --policy-sha256 takes it.
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--policy-sha256", f"sha256:{judged_by}")[0] == 0
    pinned = "a" * 64
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--policy-sha256", pinned) == (
        1, "", f"prodgate: refused: the verdict was judged by the policy with sha256 '{judged_by}', not {pinned}\n"
    )


def test_stale_verdict_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys, edit=_old)
    code, _out, err = _verify(run, envelope, sha, "--key", str(keys[1]))
    assert code == 1
    assert err.startswith("prodgate: refused: the verdict is stale: judged 25h ago (") and err.endswith("--max-age is 24h\n")
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--max-age", "2d")[0] == 0
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--max-age", "none")[0] == 0


def test_verdict_from_the_future_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    def future(s: dict[str, Any]) -> None:
        s["predicate"]["timeVerified"] = "2999-01-01T00:00:00Z"

    envelope, sha = _signed_verdict(tmp_path, run, keys, edit=future)
    assert _verify(run, envelope, sha, "--key", str(keys[1]), "--max-age", "none") == (
        1, "", "prodgate: refused: the verdict is dated in the future (2999-01-01T00:00:00Z)\n"
    )


def test_wrong_key_is_refused(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys)
    _private, stranger = _pem(ec.generate_private_key(ec.SECP256R1()), tmp_path / "stranger")
    assert _verify(run, envelope, sha, "--key", str(stranger)) == (
        1, "", f"prodgate: refused: {envelope}: the signature does not verify with the given key\n"
    )


def test_unsigned_statement_is_refused_when_a_key_is_required(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    root, sha = _repo(tmp_path)
    _attest(run, root, tmp_path / "verdict.json")
    assert _verify(run, tmp_path / "verdict.json", sha)[0] == 0
    assert _verify(run, tmp_path / "verdict.json", sha, "--key", str(keys[1])) == (
        1, "", f"prodgate: refused: {tmp_path / 'verdict.json'}: not signed: a bare statement, "
        "but --key requires a DSSE envelope signed by it\n",
    )


def test_gh_attestation_verify_output_is_judged(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    """``gh attestation verify --format json`` lists every verified attestation; one
    verdict that holds admits, else the newest one's reason is given."""
    root, sha = _repo(tmp_path)
    _code, statement = _attest(run, root, tmp_path / "verdict.json")
    stale = json.loads(json.dumps(statement))
    _old(stale)
    entry = lambda s: {"attestation": {"bundle": {}}, "verificationResult": {"statement": s}}  # noqa: E731
    both = write(tmp_path, "gh.json", json.dumps([entry(stale), entry(statement)]))
    assert _verify(run, both, sha)[0] == 0
    failed = json.loads(json.dumps(statement))
    failed["predicate"]["verificationResult"] = "FAILED"
    newest = write(tmp_path, "gh2.json", json.dumps([entry(stale), entry(failed)]))
    assert _verify(run, newest, sha)[2] == "prodgate: refused: the gate's verdict is 'FAILED'\n"
    assert "this is gh's verified output (Sigstore); verify it without --key" in _verify(run, both, sha, "--key", str(keys[1]))[2]


# --- usage errors and hostile files -------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--commit", "abc123"], "--commit 'abc123': expected a full commit id (40 or 64 hex digits)"),
    (["--max-age", "1 week"], "--max-age '1 week': expected a number and a unit (90s, 30m, 24h, 7d) or none"),
    (["--policy-sha256", "xyz"], "--policy-sha256 'xyz': expected 64 hex digits, optionally after 'sha256:'"),
])
def test_usage_errors_exit_2(tmp_path: Path, run: Run, args: list[str], message: str) -> None:
    file = write(tmp_path, "v.json", "{}")
    argv = ["verify", str(file), "--gate", "deploy", "--commit", "a" * 40, *args]
    assert run(*argv) == (2, "", f"prodgate: error: {message}\n")


def test_unusable_key_files_exit_2(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    envelope, sha = _signed_verdict(tmp_path, run, keys)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_private, rsa_public = _pem(rsa_key, tmp_path / "rsa")  # type: ignore[arg-type]
    assert _verify(run, envelope, sha, "--key", str(keys[0]))[2] == f"prodgate: error: {keys[0]}: not a PEM public key\n"
    assert _verify(run, envelope, sha, "--key", str(rsa_public))[2] == (
        f"prodgate: error: {rsa_public}: an ECDSA P-256 or Ed25519 key is needed\n"
    )
    assert run("attest", "sign", str(tmp_path / "verdict.json"), "--key", str(rsa_private))[0] == 2
    assert _verify(run, tmp_path / "missing.json", sha)[0] == 2


def _envelope(payload: str = "e30=", sig: str = "c2ln", payload_type: str = "application/vnd.in-toto+json") -> str:
    return json.dumps({"payloadType": payload_type, "payload": payload, "signatures": [{"keyid": "", "sig": sig}]})


HOSTILE: list[tuple[str, bytes, str]] = [
    ("huge", b" " * (8 * 1024 * 1024 + 1), "larger than 8 MiB; not a gate verdict"),
    ("not-utf8", b'{"payload": "\xff\xfe"}', "is not UTF-8 (byte 13)"),
    ("not-json", b'{"payload": ', "is not valid JSON (Expecting value: line 1 column 13 (char 12))"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "is nested too deeply"),
    ("duplicate", b'{"_type": "a", "_type": "b"}', "has the key '_type' twice; refused"),
    ("nan", b'{"payload": NaN}', "is not valid JSON (NaN is not JSON)"),
    ("payload-garbage", _envelope(payload="%%%not base64%%%").encode(), "the envelope's payload is not valid base64"),
    ("sig-garbage", _envelope(sig="é").encode(), "the envelope's signatures[0].sig is not a base64 string"),
    ("payload-binary", _envelope(payload=base64.b64encode(b"\x00\xff").decode()).encode(), "payload is not UTF-8 (byte 1)"),
    ("no-signatures", json.dumps({"payload": "e30=", "signatures": [], "payloadType": "x"}).encode(), "envelope without signatures"),
    ("other-list", b"[1, 2]", "a list, but not the output of `gh attestation verify --format json`"),
]


@pytest.mark.parametrize(("content", "message"), [(c, m) for _n, c, m in HOSTILE], ids=[n for n, _c, _m in HOSTILE])
def test_hostile_file_gets_one_clear_refusal(tmp_path: Path, run: Run, content: bytes, message: str) -> None:
    file = tmp_path / "attestation.json"
    file.write_bytes(content)
    code, out, err = _verify(run, file, "a" * 40)
    assert (code, out) == (1, "")
    assert err.startswith(f"prodgate: refused: {file}") and err.endswith(f"{message}\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize(("statement", "message"), [
    (7, "statement: not a JSON object"),
    ({"_type": "https://in-toto.io/Statement/v0.1"}, "statement: _type is 'https://in-toto.io/Statement/v0.1', not https://in-toto.io/Statement/v1"),
    ({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1"},
     "statement: predicateType is 'https://slsa.dev/provenance/v1', not https://slsa.dev/verification_summary/v1"),
    ({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/verification_summary/v1",
      "subject": [{"name": "x", "digest": {"sha256": 5}}]}, "statement: subject[0] has no digest"),
])
def test_malformed_statement_names_what_is_wrong(tmp_path: Path, run: Run, statement: Any, message: str) -> None:
    file = write(tmp_path, "s.json", json.dumps(statement))
    assert _verify(run, file, "a" * 40) == (1, "", f"prodgate: refused: {message}\n")


def test_statement_of_another_verifier_is_refused(tmp_path: Path, run: Run) -> None:
    root, sha = _repo(tmp_path)
    _code, statement = _attest(run, root, tmp_path / "verdict.json")
    statement["predicate"]["verifier"]["id"] = "https://example.com/other"
    file = write(tmp_path, "other.json", json.dumps(statement))
    assert _verify(run, file, sha)[2] == "prodgate: refused: the verdict is not prodgate's: verifier.id is 'https://example.com/other'\n"


def test_sign_refuses_what_is_not_a_verdict(tmp_path: Path, run: Run, keys: tuple[Path, Path]) -> None:
    file = write(tmp_path, "s.json", '{"_type": "x"}')
    code, _out, err = run("attest", "sign", str(file), "--key", str(keys[0]))
    assert (code, err) == (2, f"prodgate: error: {file}: not a prodgate verdict: _type is 'x', not https://in-toto.io/Statement/v1\n")
