"""Eval evidence: readers for real eval tools output, thresholds, freshness."""
