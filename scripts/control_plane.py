"""A real kube-apiserver + etcd on loopback, for kfkit's cluster tests and demos.

kfkit's behaviour depends on what a real API server does (server-side apply, dry-run,
RBAC), so tests run against the real thing rather than a fake. There are no controllers:
Deployments never get Pods and deleted namespaces stay Terminating.

CLI: ``control_plane.py start|stop|status``; ``eval "$(scripts/control-plane start)"``
keeps a plane running in the background and points kubectl at it.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import hashlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO / "scripts" / "build-control-plane"
BINARIES = ("kube-apiserver", "kubectl", "etcd")
CLUSTER_NAME = "kfkit-local"
START_TIMEOUT = 60.0  # contended 2-core CI boxes have needed > 30 s
STOP_TIMEOUT = 10.0
LOG_TAIL_LINES = 25


class ControlPlaneError(RuntimeError):
    """The binaries could not be found or built, or the plane did not come up."""


def ensure_binaries() -> Path:
    """Return a bin dir holding kube-apiserver, kubectl and etcd, building them if needed.

    ``KFKIT_CONTROL_PLANE_BIN`` points at ready-made binaries and skips the build.
    """
    override = os.environ.get("KFKIT_CONTROL_PLANE_BIN")
    if override:
        bin_dir = Path(override)
    else:
        # Stream the build's progress to our stderr (a cold build takes many minutes) and
        # keep its last line, which on failure says why.
        proc = subprocess.Popen(
            [str(BUILD_SCRIPT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        last_err = ""
        for line in proc.stderr:
            sys.stderr.write(line)
            last_err = line.strip() or last_err
        out = proc.stdout.read()
        if proc.wait() != 0:
            raise ControlPlaneError(last_err or f"{BUILD_SCRIPT} failed (exit {proc.returncode})")
        bin_dir = Path(out.strip().splitlines()[-1])
    missing = [name for name in BINARIES if not os.access(bin_dir / name, os.X_OK)]
    if missing:
        raise ControlPlaneError(f"{bin_dir} lacks {', '.join(missing)}")
    return bin_dir


def _free_port() -> int:
    """Let the kernel pick an unused loopback port (a race is possible but rare on one machine)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """Have Linux SIGKILL the child when its parent dies: a killed test run leaves no orphans.

    SIGKILL, not SIGTERM: a terminating kube-apiserver whose etcd is also going away can hang.
    """
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _tail(path: Path) -> str:
    """Last lines of a log, to put the real cause into an exception message."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"({path} missing)"
    return "\n".join(lines[-LOG_TAIL_LINES:])


@dataclass
class _Process:
    """A plane process: our child, or one left running by an earlier ``start`` command."""

    name: str
    argv0: str
    pid: int
    popen: subprocess.Popen[bytes] | None = None

    def alive(self) -> bool:
        """True while running; checks the command line so a reused pid is never taken for ours."""
        if self.popen is not None:
            return self.popen.poll() is None
        try:
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return False
        return cmdline.split(b"\0", 1)[0] == self.argv0.encode()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                return
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + STOP_TIMEOUT
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)


class ControlPlane:
    """etcd + kube-apiserver on free loopback ports, with an admin/limited kubeconfig.

    ``daemon=True`` detaches the processes so they outlive this Python process (used by the CLI);
    otherwise they die with it.
    """

    def __init__(self, bin_dir: Path, *, daemon: bool = False) -> None:
        self.bin_dir = bin_dir
        self.daemon = daemon
        self.workdir: Path | None = None
        self.server = ""
        self.startup_seconds = 0.0
        self._procs: list[_Process] = []

    def __enter__(self) -> ControlPlane:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def kubeconfig(self) -> Path:
        """The kubeconfig, written once the API server is ready."""
        assert self.workdir is not None, "the plane is not started"
        return self.workdir / "kubeconfig"

    @property
    def client_ca(self) -> Path:
        """The CA (PEM) whose certificates the server accepts as users: CN = name, O = groups."""
        assert self.workdir is not None, "the plane is not started"
        return self.workdir / "pki" / "client-ca.crt"

    @property
    def client_ca_key(self) -> Path:
        """The client CA's private key, to sign test users' certificates with."""
        return self.client_ca.with_name("client-ca.key")

    def start(self) -> None:
        """Start etcd and kube-apiserver and wait until the API serves the default namespace."""
        began = time.monotonic()
        self.workdir = Path(tempfile.mkdtemp(prefix="kfkit-plane-"))
        try:
            self._start(self.workdir)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def _start(self, work: Path) -> None:
        if not shutil.which("openssl"):
            raise ControlPlaneError("openssl not found on PATH; it makes the service-account key pair")
        pki = work / "pki"
        pki.mkdir()
        sa_key, sa_pub = str(pki / "sa.key"), str(pki / "sa.pub")
        rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        # A CA the server trusts for client certificates: tests sign their own users with it.
        client_ca = ["-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for cmd in (
            ["openssl", "genpkey", *rsa, "-out", sa_key],
            ["openssl", "pkey", "-in", sa_key, "-pubout", "-out", sa_pub],
            [
                *("openssl", "req", *client_ca, "-subj", "/CN=kfkit-test-client-ca", "-days", "7"),
                *("-keyout", str(self.client_ca_key), "-out", str(self.client_ca)),
            ],
        ):
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                raise ControlPlaneError(f"{' '.join(cmd[:2])} failed: {done.stderr.strip()}")

        admin_token, limited_token = secrets.token_hex(16), secrets.token_hex(16)
        tokens = work / "tokens.csv"
        tokens.write_text(f'{admin_token},admin,admin,"system:masters"\n{limited_token},limited,limited\n')

        etcd_port, peer_port, api_port = _free_port(), _free_port(), _free_port()
        etcd_url, peer_url = f"http://127.0.0.1:{etcd_port}", f"http://127.0.0.1:{peer_port}"
        self.server = f"https://127.0.0.1:{api_port}"
        self._spawn(
            "etcd",
            f"--data-dir={work / 'etcd'}",
            f"--listen-client-urls={etcd_url}",
            f"--advertise-client-urls={etcd_url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=default={peer_url}",
            "--unsafe-no-fsync=true",
        )
        self._spawn(
            "kube-apiserver",
            f"--etcd-servers={etcd_url}",
            "--bind-address=127.0.0.1",
            # Without this, a host with no default route refuses to start.
            "--advertise-address=127.0.0.1",
            f"--secure-port={api_port}",
            f"--cert-dir={pki}",
            f"--service-account-issuer={self.server}",
            f"--service-account-key-file={sa_pub}",
            f"--service-account-signing-key-file={sa_key}",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--authorization-mode=RBAC",
            f"--token-auth-file={tokens}",
            f"--client-ca-file={self.client_ca}",
            # No controller is there to create the default service accounts.
            "--disable-admission-plugins=ServiceAccount",
            "--allow-privileged=true",
        )

        ca = pki / "apiserver.crt"  # self-signed by the apiserver: the leaf followed by its CA
        self._wait_ready(ca, admin_token)
        self.kubeconfig.write_text(json.dumps(self._kubeconfig(ca, admin_token, limited_token), indent=2))

    def _spawn(self, name: str, *args: str) -> None:
        """Start one binary with its output in ``<workdir>/<name>.log``."""
        assert self.workdir is not None
        argv0 = str(self.bin_dir / name)
        with open(self.workdir / f"{name}.log", "wb") as log:
            popen = subprocess.Popen(
                [argv0, *args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.daemon,
                preexec_fn=None if self.daemon else _die_with_parent,
            )
        self._procs.append(_Process(name, argv0, popen.pid, popen))

    def _wait_ready(self, ca: Path, token: str) -> None:
        """Poll /readyz and the default namespace as admin (anonymous gets 403 early on)."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            for proc in self._procs:
                if not proc.alive():
                    raise self._failure(f"{proc.name} exited during start-up", proc.name)
            if ca.exists() and all(
                self._get(ca, token, path) == 200 for path in ("/readyz", "/api/v1/namespaces/default")
            ):
                return
            if time.monotonic() > deadline:
                raise self._failure(
                    f"kube-apiserver not ready within {START_TIMEOUT:.0f} s", "kube-apiserver"
                )
            time.sleep(0.2)

    def _get(self, ca: Path, token: str, path: str) -> int | None:
        """HTTP status of an authenticated GET, or None when the server is not answering yet."""
        request = urllib.request.Request(self.server + path, headers={"Authorization": f"Bearer {token}"})
        try:
            context = ssl.create_default_context(cafile=str(ca))
            with urllib.request.urlopen(request, timeout=5, context=context) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as err:
            return err.code
        except (OSError, ssl.SSLError):
            return None

    def _failure(self, message: str, log_name: str) -> ControlPlaneError:
        assert self.workdir is not None
        log = self.workdir / f"{log_name}.log"
        return ControlPlaneError(f"{message}; last lines of {log_name}.log:\n{_tail(log)}")

    def _kubeconfig(self, ca: Path, admin_token: str, limited_token: str) -> dict[str, Any]:
        """Contexts ``admin`` (system:masters, current), ``limited`` (no grants); JSON is YAML."""
        users = {"admin": admin_token, "limited": limited_token}
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": CLUSTER_NAME,
                    "cluster": {"server": self.server, "certificate-authority": str(ca)},
                }
            ],
            "users": [{"name": name, "user": {"token": token}} for name, token in users.items()],
            "contexts": [
                {
                    "name": name,
                    "context": {"cluster": CLUSTER_NAME, "user": name, "namespace": "default"},
                }
                for name in users
            ],
            "current-context": "admin",
        }

    def stop(self) -> None:
        """Stop kube-apiserver, then etcd, and remove the temp dir."""
        for proc in sorted(self._procs, key=lambda p: p.name != "kube-apiserver"):
            proc.stop()
        self._procs = []
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def running(self) -> bool:
        """True while both processes are up."""
        return bool(self._procs) and all(proc.alive() for proc in self._procs)

    def to_state(self) -> dict[str, Any]:
        """What another process needs to find and stop this plane."""
        return {
            "bin_dir": str(self.bin_dir),
            "workdir": str(self.workdir),
            "server": self.server,
            "pids": {proc.name: proc.pid for proc in self._procs},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ControlPlane:
        """Reattach to a plane started by an earlier ``start`` command."""
        plane = cls(Path(state["bin_dir"]), daemon=True)
        plane.workdir = Path(state["workdir"])
        plane.server = state["server"]
        plane._procs = [_Process(name, str(plane.bin_dir / name), pid) for name, pid in state["pids"].items()]
        return plane


def state_dir() -> Path:
    """Per-user, per-checkout dir holding the CLI's state file.

    Keyed by this checkout's path, so ``stop`` in one checkout never stops the plane another
    checkout (or another engineer's worktree) started.
    """
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    checkout = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    return Path(base) / f"kfkit-control-plane-{os.getuid()}-{checkout}"


@contextmanager
def _locked_state(directory: Path) -> Iterator[Path]:
    """Serialise CLI commands so two concurrent ``start``s cannot both launch a plane."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield directory / "state.json"


def _load(state_file: Path) -> ControlPlane | None:
    try:
        return ControlPlane.from_state(json.loads(state_file.read_text()))
    except (OSError, ValueError, KeyError):
        return None


def _exports(plane: ControlPlane) -> str:
    return (
        f"export KUBECONFIG={shlex.quote(str(plane.kubeconfig))}\n"
        f"export PATH={shlex.quote(str(plane.bin_dir))}:$PATH"
    )


def _cmd_start(directory: Path) -> int:
    with _locked_state(directory) as state_file:
        plane = _load(state_file)
        if plane is not None and plane.running():
            print("control plane already running at", plane.server, file=sys.stderr)
            print(_exports(plane))
            return 0
        if plane is not None:  # stale: clear whatever is left of it
            plane.stop()
            state_file.unlink(missing_ok=True)
        plane = ControlPlane(ensure_binaries(), daemon=True)
        plane.start()
        state_file.write_text(json.dumps(plane.to_state(), indent=2))
        print(f"control plane up at {plane.server} in {plane.startup_seconds:.1f} s", file=sys.stderr)
        print(_exports(plane))
        return 0


def _cmd_stop(directory: Path) -> int:
    with _locked_state(directory) as state_file:
        plane = _load(state_file)
        if plane is None:
            print("control plane not running", file=sys.stderr)
            return 0
        plane.stop()
        state_file.unlink(missing_ok=True)
        print("control plane stopped", file=sys.stderr)
        return 0


def _cmd_status(directory: Path) -> int:
    with _locked_state(directory) as state_file:
        plane = _load(state_file)
        if plane is not None and plane.running():
            print(f"running: {plane.server} (KUBECONFIG={plane.kubeconfig})")
            return 0
        print("not running")
        return 1


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; exit status 1 from ``status`` means not running."""
    parser = argparse.ArgumentParser(description="Run a local kube-apiserver + etcd for kfkit.")
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="Where this plane's state lives (default: one per user and checkout).",
    )
    args = parser.parse_args(argv)
    directory = args.state_dir or state_dir()
    try:
        return {"start": _cmd_start, "stop": _cmd_stop, "status": _cmd_status}[args.command](directory)
    except ControlPlaneError as err:
        print(f"control-plane: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
