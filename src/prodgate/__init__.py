"""prodgate: the production gate for AI systems."""

__version__ = "0.1.0"

HOME = "https://github.com/prodgate/prodgate"
"""The project's repository. Everything that points into it derives from this one
constant: the rule links of reports (its README at the installed version's tag, unless
``PRODGATE_DOCS_URL`` says otherwise) and the JSON Schema's address (the committed schema
at that tag), which ``init``'s modeline, the schema's ``$id`` and the SchemaStore
catalogue entry name."""
