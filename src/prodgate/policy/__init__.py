"""The tiered policy: its schema, the built-in default and organisation overrides."""
