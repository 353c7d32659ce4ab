"""prodgate: the production gate for AI systems."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - the guard is for an older Python (tests run it)
    # The package says ``requires-python >= 3.11``, so pip refuses to install it on an
    # older interpreter; this is for a checkout put on ``PYTHONPATH`` by hand. One line
    # and the configuration exit code, instead of a SyntaxError or ImportError deep in
    # a module (3.10 lacks ``tomllib`` and ``re._parser``, and its ``ast.parse`` can
    # crash the process on deeply nested input).
    sys.stderr.write(
        f"prodgate: needs Python 3.11 or newer; {sys.executable} is Python "
        f"{sys.version.split()[0]}\n"
    )
    raise SystemExit(2)

__version__ = "0.1.0"

HOME = "https://github.com/prodgate/prodgate"
"""The project's repository. Everything that points into it derives from this one
constant: the rule links of reports (``docs/rules.md`` at the installed version's tag, unless
``PRODGATE_DOCS_URL`` says otherwise) and the JSON Schema's address (the committed schema
at that tag), which ``init``'s modeline, the schema's ``$id`` and the SchemaStore
catalogue entry name."""
