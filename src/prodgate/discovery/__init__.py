"""Shadow-AI discovery: find AI use in a repository, whether or not a declaration covers it.

The floor below the commands: ``scan`` selects files and runs the detectors, driven by
the signature catalogue (data, in ``gate_templates/signatures.yaml``); ``reconcile``
attributes each detection to the asset whose declaration covers its file and turns the
rest into findings. Nothing here executes repository content, and every matcher over
it runs in linear time (see :mod:`prodgate.discovery.safe_regex`).
"""
