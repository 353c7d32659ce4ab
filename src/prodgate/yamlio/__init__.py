"""Safe YAML loading that keeps line and column of every node."""
