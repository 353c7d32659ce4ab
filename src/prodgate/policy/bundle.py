"""A policy's own templates: ``template:`` names a file beside the policy file.

An organisation policy in a folder (``central/prodgate-policy.yaml`` with
``central/templates/bias_assessment.md``) ships the templates of the artifact kinds it
adds; a name not found there falls back to the templates shipped with prodgate, so an
extending policy keeps the built-in ones. The name must stay inside the policy's folder:
relative, without ``..``, and not a symlink that leads out of it - a template's text is
written into the repository by ``prodgate init``, and must never be a file the policy's
author did not publish with it.

A policy fetched from a URL is a bundle at its base URL: ``template: templates/x.md`` of
``https://policies.example/ai/policy.yaml`` is downloaded from
``https://policies.example/ai/templates/x.md`` - only when ``prodgate init`` needs it,
over https only, under the policy's limits (deadline, size, token rules); a 404 falls
back to the built-in template of that name. The policy's pin covers the policy, not
these files: a template only writes a stub, which the gate then judges like any text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from prodgate.templates import read_template

MAX_TEMPLATE_BYTES = 256 * 1024


@dataclass(frozen=True)
class TemplateProblem:
    message: str


def _builtin(name: str) -> str | None:
    try:
        return read_template(name)
    except (FileNotFoundError, OSError):
        return None


def bad_name(name: str) -> TemplateProblem | None:
    """Why ``name`` could leave the policy's folder or base URL, if it could: an
    absolute path or URL, ``..``, a home folder, a backslash, a query or fragment."""
    pure = PurePosixPath(name)
    if (
        not name or pure.is_absolute() or name.startswith("~") or ".." in pure.parts
        or any(c in name for c in "\\:?#")
    ):
        return TemplateProblem(f"template {name!r}: name a file relative to the policy's folder, without '..'")
    return None


def locate(folder: Path | None, name: str) -> Path | str | TemplateProblem:
    """The template file in ``folder``, the built-in template's text, or why neither."""
    bad = bad_name(name)
    if bad is not None:
        return bad
    pure = PurePosixPath(name)
    if folder is not None:
        candidate = folder.joinpath(*pure.parts)
        if candidate.exists() or candidate.is_symlink():
            try:
                real = candidate.resolve(strict=True)
                inside = real.is_relative_to(folder.resolve(strict=True))
            except (OSError, RuntimeError):
                return TemplateProblem(f"template {name!r}: cannot be resolved (a broken symlink or a loop)")
            if not inside:
                return TemplateProblem(f"template {name!r}: a symlink that leads out of the policy's folder; refused")
            if not real.is_file():
                return TemplateProblem(f"template {name!r}: not a regular file")
            if real.stat().st_size > MAX_TEMPLATE_BYTES:
                return TemplateProblem(f"template {name!r}: larger than {MAX_TEMPLATE_BYTES:,} bytes")
            return real
    text = _builtin(name)
    if text is not None:
        return text
    where = f"in {folder} or " if folder is not None else ""
    return TemplateProblem(f"template {name!r}: no such file {where}among the built-in templates")


def read(folder: Path | None, name: str, base_url: str | None = None) -> str | TemplateProblem:
    """The text of template ``name`` (see :func:`locate`); downloaded from beside
    ``base_url`` when the policy came from there."""
    if base_url is not None:
        return _download(base_url, name)
    found = locate(folder, name)
    if not isinstance(found, Path):
        return found
    try:
        return found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return TemplateProblem(f"template {name!r}: cannot be read: {exc}")


def _download(base_url: str, name: str) -> str | TemplateProblem:
    from urllib.parse import urljoin

    from prodgate.policy.fetch import FetchError, FetchNotFound, fetch

    bad = bad_name(name)
    if bad is not None:
        return bad
    if not base_url.lower().startswith("https://"):
        builtin = _builtin(name)
        if builtin is not None:
            return builtin
        return TemplateProblem(
            f"template {name!r}: the templates of a policy over plain http cannot be trusted "
            "(its pin covers the policy alone); publish the bundle over https://"
        )
    url = urljoin(base_url, name)
    try:
        raw = fetch(url)
    except FetchNotFound:
        builtin = _builtin(name)
        return builtin if builtin is not None else TemplateProblem(
            f"template {name!r}: not found at {url} nor among the built-in templates"
        )
    except FetchError as exc:
        return TemplateProblem(f"template {name!r}: cannot fetch: {exc}")
    if len(raw) > MAX_TEMPLATE_BYTES:
        return TemplateProblem(f"template {name!r}: larger than {MAX_TEMPLATE_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return TemplateProblem(f"template {name!r}: not UTF-8 text")

