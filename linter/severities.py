"""The severities of a finding, most severe first (a module of its own so that the
configuration can check them without importing the document model)."""

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
