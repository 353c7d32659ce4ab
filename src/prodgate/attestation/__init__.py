"""The gate's verdict as a signed attestation: an in-toto Statement whose predicate is a
SLSA Verification Summary (``statement``), its DSSE envelope (``envelope``), and the
checks a deploy job runs on it before it admits a release (``verdict``)."""
