"""Safe file writes: a reader never sees half a file, and writers never lose each other's edits."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kfkit._atomic import make_temp
from kfkit._constants import DEFAULT_LOCK_TIMEOUT
from kfkit.errors import AppError

__all__ = ["DEFAULT_LOCK_TIMEOUT", "locked", "remove_stale_temps", "write_atomic"]


def write_atomic(path: Path, text: str, *, replace: bool = True) -> None:
    """Write via a temp file in the same directory and rename it over ``path``.

    With ``replace=False`` an existing ``path`` (even a dangling symlink) is never touched:
    :class:`FileExistsError`, decided atomically by the kernel (hard link, not rename).
    Any other failure (disk full, file too large, read-only) is an AppError naming ``path``;
    ``path`` is then as it was.
    """
    try:
        _write(path, text, replace=replace)
    except FileExistsError:
        raise
    except OSError as exc:
        raise AppError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _write(path: Path, text: str, *, replace: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = make_temp(path.parent, f".{path.name}.", ".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes 0600 files; keep the old file's mode, or give a new one the usual one.
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    """The process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NOTICE_AFTER = 1.0


@contextlib.contextmanager
def locked(
    root: Path,
    *,
    what: str = "",
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Serialize read-modify-write cycles of one app's files across processes.

    The lock is an flock on the app directory itself, so there is no lock file in the work
    tree to commit or leave behind. After a second of waiting ``on_wait`` hears who holds it;
    after ``timeout`` seconds the wait ends with an error.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise AppError(
                        f"gave up after {timeout:g} s waiting for the lock on {what or root} "
                        f"(held by {_holder(fd)}); --lock-timeout waits longer"
                    ) from None
                if on_wait is not None and not told and waited >= _NOTICE_AFTER:
                    on_wait(f"waiting for the lock on {what or root} (held by {_holder(fd)})…")
                    told = True
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """Who holds the flock on ``fd``'s file, from /proc/locks (Linux); else "another process"."""
    st = os.fstat(fd)
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return "another process"
    for line in lines:
        fields = line.split()  # "3: FLOCK  ADVISORY  WRITE 29953 fe:00:10152228 0 EOF"; "->" = waiting
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == ident and "->" not in fields:
            return f"pid {fields[4]}"
    return "another process"


def remove_stale_temps(path: Path) -> None:
    """Delete temp files an interrupted :func:`write_atomic` of ``path`` left (call under the lock)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
