"""The forms a value must take, each as its pattern and as a sentence for people.

The schemas of the declaration and of the policy check values against these patterns;
when one does not match, the message says the sentence ("a GitHub account, such as
sosei or @sosei"), never the regular expression. One table, so that the declaration and
the policy word a form the same.
"""

from __future__ import annotations

from prodgate.threshold_syntax import DECLARATION_THRESHOLD, POLICY_THRESHOLD

GITHUB_LOGIN = r"^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
"""A GitHub account, with or without the ``@``: what a pull request review names."""

GITHUB_HANDLE = r"^@?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?$"
"""A GitHub user or team (``@acme/support-eng``), with or without the ``@``, as
CODEOWNERS names the owners."""

ASSET_NAME = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

EXPECTED: dict[str, str] = {
    GITHUB_LOGIN: "a GitHub account: letters, digits and dashes, at most 39 characters, "
    "with or without a leading @, such as sosei or @sosei",
    GITHUB_HANDLE: "a GitHub user or team, with or without a leading @, such as @ada or @acme/support-eng",
    ASSET_NAME: "a name of lowercase letters, digits and dashes, at most 63 characters, not "
    "starting or ending with a dash, such as support-reply-drafter",
    EMAIL: "an e-mail address, such as jane.doe@example.com",
    DECLARATION_THRESHOLD: 'a comparison: an optional operator (>=, <=, >, <, ==) and a number, '
    'such as ">= 0.9", "<= 1e-4" or "> 90%"',
    POLICY_THRESHOLD: 'a comparison: an optional operator (>=, <=, >, <, ==) and a number, '
    'such as ">= 0.9" or "<= 1e-4" (no percent sign)',
}


def mismatch(value: object, pattern: str) -> str:
    """Why ``value`` is refused by ``pattern``, in words: ``'s osei' is not a GitHub
    account: ...``."""
    form = EXPECTED.get(pattern)
    if form is None:
        return f"{value!r} does not have the expected form"
    return f"{value!r} is not {form}"
