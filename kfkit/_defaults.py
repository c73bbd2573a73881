"""Defaults the CLI shows in its help, in a module that imports nothing (start-up reads them)."""

__all__ = ["DEFAULT_LOCK_TIMEOUT", "DEFAULT_MAX_OUTPUT"]

DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds an edit waits for another process's edit of the same app before giving up."""
DEFAULT_MAX_OUTPUT = 256 * 2**20
"""256 MiB of JSON: far beyond any real environment, well below exhausting a laptop."""
