"""Once a git registry was used, kfkit needs no network: the remote can be gone entirely."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.cli.support import Kf
from tests.packages.conftest import GitRegistry


@pytest.fixture
def served(git_registry: GitRegistry, tmp_path: Path) -> Iterator[tuple[str, http.server.HTTPServer]]:
    """The registry as a bare repository behind git's dumb HTTP protocol on localhost."""
    bare = tmp_path / "www" / "registry.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(git_registry.path), str(bare)], check=True)
    subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
    handler = functools.partial(QuietHandler, directory=str(tmp_path / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/registry.git", server
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket connection from this process fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network call: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_http_registry_works_after_the_server_is_gone(
    app: Path, kf: Kf, served: tuple[str, http.server.HTTPServer], tmp_path: Path, no_network: None
) -> None:
    url, server = served
    assert kf("registry", "add", "kf", url, "--path", "registry", cwd=app).code == 0
    assert kf("pkg", "install", "kf/greeter@v1", cwd=app).code == 0
    server.shutdown()
    server.server_close()  # from here on, the remote does not answer
    assert kf("generate", "greeter", "hi", cwd=app).code == 0
    assert "release: v1" in kf("show", "default", cwd=app).out
    assert kf("pkg", "list", "--installed", cwd=app).code == 0
    assert kf("pkg", "verify", cwd=app).code == 0
    # a second app, same registry and tags: served from the cache
    other = tmp_path / "other"
    assert kf("init", str(other)).code == 0
    assert kf("registry", "add", "kf", url, "--path", "registry", cwd=other).code == 0
    assert kf("pkg", "install", "kf/greeter@v2", cwd=other).code == 0
    assert kf("pkg", "list", cwd=other).code == 0
    # only what the cache lacks needs the remote, and its absence is one line naming it
    result = kf("pkg", "install", "kf/greeter@v9", cwd=other)
    assert result.err.startswith(f"error: registry kf ({url}): git fetch failed: ")
    assert result.err.count("\n") == 1


def test_local_registry_moved_away(app: Path, kf: Kf, git_registry: GitRegistry, tmp_path: Path) -> None:
    assert kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app).code == 0
    assert kf("pkg", "install", "kf/greeter@v1", cwd=app).code == 0
    shutil.rmtree(git_registry.path)
    assert kf("pkg", "install", "kf/greeter@v2", cwd=app).code == 0
    lib = yaml.safe_load((app / "app.yaml").read_text())["libraries"]["kf/greeter"]
    assert lib["commit"] == git_registry.v2


def test_unreachable_remote_is_one_line(app: Path, kf: Kf) -> None:
    result = kf("registry", "add", "kf", "https://127.0.0.1:9/nothing.git", cwd=app)
    assert result.err.startswith("error: registry kf (https://127.0.0.1:9/nothing.git): git clone failed: ")
    assert result.err.count("\n") == 1


def _no_route_prefix() -> list[str]:
    """``unshare -n``: a network namespace whose only interface is down, so nothing has a route."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    pytest.skip(
        "unshare cannot make a network namespace here; test_http_registry_works_after_the_server_is_gone covers it in-process"
    )


def test_cached_registry_works_with_no_route(
    app: Path, kf: Kf, served: tuple[str, http.server.HTTPServer], tmp_path: Path
) -> None:
    url, _ = served
    assert kf("registry", "add", "kf", url, "--path", "registry", cwd=app).code == 0
    assert kf("pkg", "install", "kf/greeter@v1", cwd=app).code == 0
    prefix = _no_route_prefix()
    other = tmp_path / "offline-app"

    def offline(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*prefix, sys.executable, "-m", "kfkit", "--dir", str(other), *args]
        return subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())

    assert offline("init", str(other)).returncode == 0
    for args in (
        ("registry", "add", "kf", url, "--path", "registry"),
        ("pkg", "install", "kf/greeter@v1"),
        ("generate", "greeter", "hi"),
        ("pkg", "verify"),
    ):
        done = offline(*args)
        assert done.returncode == 0, (args, done.stderr)
    assert "release: v1" in offline("show", "default").stdout
    missing = offline("pkg", "install", "kf/greeter@v9")
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"error: registry kf ({url}): git fetch failed: ")
