"""One module per CLI command: execution, kept apart from argument parsing."""
