"""Defaults and choices the CLI shows in its help, in a module that imports nothing (start-up reads them)."""

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_MAX_HISTORY",
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_WAIT_TIMEOUT",
    "REGISTRY_PROTOCOLS",
]

DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds an edit waits for another process's edit of the same app before giving up."""
DEFAULT_MAX_OUTPUT = 256 * 2**20
"""256 MiB of JSON: far beyond any real environment, well below exhausting a laptop."""
DEFAULT_MAX_HISTORY = 10
"""Revisions kept per app and environment (Helm's default too)."""
DEFAULT_WAIT_TIMEOUT = 300.0
"""Seconds ``apply --wait`` (and waiting for CRDs) may take."""
REGISTRY_PROTOCOLS = ("fs", "git", "github")
"""How a registry is reached: a directory, a git repository, ksonnet's github.com form."""
