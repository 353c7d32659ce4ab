"""The register: inventories and gate reports of many repositories, over time.

A package of its own floor with its own dependencies (``pip install
'prodgate[register]'``: SQLAlchemy, Alembic, Jinja2, msgspec, matplotlib, psycopg); the gate
never imports it. ``documents`` reads and checks what is ingested, ``store`` keeps it
(SQLAlchemy Core, schema versioned by the Alembic migrations in ``migrations/``),
``scan`` runs the inventory over many checkouts, ``views`` asks the questions an AI
business office asks (``history`` judges each asset as of a date and says what changed
since one, ``triage`` keeps the office's decisions on undeclared AI), and ``render``
writes them as one offline HTML page, CSV or JSON.
"""
