"""Registries and packages written by the tests, in the style of ksonnet's parts registries."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

GREETER_PROTO = """\
// @apiVersion 0.1
// @name io.ksonnet.pkg.{proto}
// @description A ConfigMap holding a greeting ({label})
// @shortDescription Greeting ConfigMap
// @param name string Name of the ConfigMap
// @optionalParam greeting string hello The greeting
local greeter = import "{registry}/{package}/greeter.libsonnet";
greeter.configMap(import 'param://name', import 'param://greeting')
"""

GREETER_LIB = """\
{{
  // {label}
  configMap(name, greeting):: {{
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {{ name: name }},
    data: {{ greeting: greeting, release: "{label}" }},
  }},
}}
"""


def write_package(
    registry_dir: Path,
    package: str,
    *,
    registry: str = "acme",
    label: str = "v1",
    proto: str | None = None,
    files: dict[str, str] | None = None,
) -> Path:
    """A package directory (parts.yaml, a prototype, a library) listed in registry.yaml."""
    directory = registry_dir / package
    (directory / "prototypes").mkdir(parents=True, exist_ok=True)
    parts = {
        "name": package,
        "apiVersion": "0.0.1",
        "kind": "ksonnet.io/parts",
        "description": f"{package} {label}",
    }
    (directory / "parts.yaml").write_text(json.dumps(parts, indent=2))
    fill = {"proto": proto or package, "label": label, "registry": registry, "package": package}
    (directory / "prototypes" / f"{proto or package}.jsonnet").write_text(GREETER_PROTO.format(**fill))
    (directory / "greeter.libsonnet").write_text(GREETER_LIB.format(**fill))
    for name, text in (files or {}).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    index_path = registry_dir / "registry.yaml"
    index = yaml.safe_load(index_path.read_text()) if index_path.exists() else None
    index = index or {"apiVersion": "0.2.0", "kind": "ksonnet.io/registry", "libraries": {}}
    index["libraries"][package] = {"path": package, "version": "master"}
    index_path.write_text(yaml.safe_dump(index))
    return directory


def git(repo: Path, *args: str) -> str:
    env_args = [
        "-c",
        "user.email=test@example.com",
        "-c",
        "user.name=test",
        "-c",
        "init.defaultBranch=master",
    ]
    done = subprocess.run(["git", *env_args, *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def commit_all(repo: Path, message: str, tag: str | None = None) -> str:
    """Commit the work tree (``git init`` first if needed); returns the commit."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)
    return git(repo, "rev-parse", "HEAD")
