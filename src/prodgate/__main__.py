"""Allow ``python -m prodgate``."""

from prodgate.cli import main

raise SystemExit(main())
