"""Returns in the national data standard: submissions, their rows and headcounts."""
