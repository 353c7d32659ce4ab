"""A policy's own templates: ``template:`` names a file beside the policy file.

An organisation policy in a folder (``central/prodgate-policy.yaml`` with
``central/templates/bias_assessment.md``) ships the templates of the artifact kinds it
adds; a name not found there falls back to the templates shipped with prodgate, so an
extending policy keeps the built-in ones. The name must stay inside the policy's folder:
relative, without ``..``, and not a symlink that leads out of it - a template's text is
written into the repository by ``prodgate init``, and must never be a file the policy's
author did not publish with it.

A policy fetched from a URL has no folder here: it can name the built-in templates only.
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


def locate(folder: Path | None, name: str) -> Path | str | TemplateProblem:
    """The template file in ``folder``, the built-in template's text, or why neither."""
    pure = PurePosixPath(name)
    if not name or "\\" in name or pure.is_absolute() or name.startswith("~") or ".." in pure.parts:
        return TemplateProblem(
            f"template {name!r}: name a file relative to the policy's folder, without '..'"
        )
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


def read(folder: Path | None, name: str) -> str | TemplateProblem:
    """The text of template ``name`` (see :func:`locate`)."""
    found = locate(folder, name)
    if not isinstance(found, Path):
        return found
    try:
        return found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return TemplateProblem(f"template {name!r}: cannot be read: {exc}")
