"""Go-style durations (``90s``, ``5m``, ``1h30m``), as kubectl's ``--timeout`` takes them.

Apart from deploy so the CLI can show its defaults without loading the deploy stage.
"""

from __future__ import annotations

import re

from kfkit.errors import UsageError

__all__ = ["format_duration", "parse_duration"]

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str) -> float:
    """Seconds in a Go-style duration: ``90s``, ``5m``, ``1h30m``; a bare number is seconds."""
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        parts = _PART.findall(value)
        if not parts or "".join(n + u for n, u in parts) != value:
            raise UsageError(f"invalid duration {text!r}; use e.g. 90s, 5m or 1h") from None
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise UsageError(f"duration {text!r} must be positive")
    return seconds


def format_duration(seconds: float) -> str:
    """``300.0`` → ``5m``, ``90.0`` → ``1m30s``, ``0.5`` → ``0.5s``."""
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return text + (f"{rest:g}s" if rest or not text else "")
