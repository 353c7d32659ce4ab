"""GitHub integration: workflow commands, job summary, outputs, PR comments."""
