"""Rules: the registry of stable ids and the checks that yield findings."""
