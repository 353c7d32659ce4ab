"""Size bounds of a declaration, in a module of their own so that discovery, which
reads declarations for their coverage only, does not import the loader."""

from __future__ import annotations

MAX_DECLARATION_BYTES = 64 * 1024
"""The largest declaration read. A real one is a few KB (the examples are under 2 KB);
64 KB is some 2,000 lines. Every check of a declaration is linear in its size, so this
bound is what bounds the gate's work on one: a declaration of 7,000 evals took 2.5 s
at 256 KB, and what it holds is at most a quarter of that now."""
