#!/usr/bin/env python3
"""Fetch Kubernetes' OpenAPI (swagger 2.0) specs through the Go module proxy and pack them for kfkit.

Why through the Go module proxy: every ``k8s.io/kubernetes`` module version carries
``api/openapi-spec/swagger.json``, and the proxy is an allowed, content-addressed (go.sum-checked)
source, so the shipped specs are reproducible without GitHub.

    tools/fetch_k8s_specs.py download --raw /tmp/kfkit-specs/raw      # ~30-60 MB per version, slow
    tools/fetch_k8s_specs.py pack --raw /tmp/kfkit-specs/raw           # writes kfkit/ksonnetlib/specs/

``download`` uses a private, throw-away GOMODCACHE per version (deleted right after the one file
is taken out of the module zip), so the machine's module cache is left as it was.
``pack`` keeps what the ksonnet-lib generator reads (kfkit.ksonnetlib._spec.reduce_spec)
and compresses each spec with xz.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULE = "k8s.io/kubernetes"
SPEC_IN_MODULE = "api/openapi-spec/swagger.json"


def versions(first_minor: int, current: str) -> list[str]:
    """v1.<first>.0 … v1.<current minor - 1>.0, then the pinned current patch release."""
    current_minor = int(current.split(".")[1])
    return [f"v1.{minor}.0" for minor in range(first_minor, current_minor)] + [current]


def pinned_control_plane_version() -> str:
    """The k8s.io/kubernetes version the test control plane is built from (tools/kube/go.mod)."""
    for line in (REPO / "tools" / "kube" / "go.mod").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == MODULE:
            return parts[1]
    raise SystemExit("tools/kube/go.mod does not pin k8s.io/kubernetes")


def download(version: str, raw_dir: Path) -> None:
    target = raw_dir / f"{version}.json"
    if target.exists():
        return
    modcache = Path(tempfile.mkdtemp(prefix="kfkit-spec-modcache-"))
    env = dict(os.environ, GOMODCACHE=str(modcache), GOFLAGS="-mod=mod")
    try:
        out = subprocess.run(
            ["go", "mod", "download", "-json", f"{MODULE}@{version}"],
            env=env,
            cwd=modcache,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        info = json.loads(out)
        with zipfile.ZipFile(info["Zip"]) as archive:
            data = archive.read(f"{MODULE}@{version}/{SPEC_IN_MODULE}")
        json.loads(data)  # a truncated or non-JSON spec must not be kept
        target.write_bytes(data)
        print(f"{version}: {len(data)} bytes", file=sys.stderr)
    finally:
        # go marks module files read-only; clean through go itself, then whatever is left.
        subprocess.run(["go", "clean", "-modcache"], env=env, check=False, capture_output=True)
        shutil.rmtree(modcache, ignore_errors=True)


def pack(raw_dir: Path, out_dir: Path) -> None:
    sys.path.insert(0, str(REPO))
    from kfkit.ksonnetlib._spec import pack_spec  # the repo is put on the path above

    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for raw in sorted(raw_dir.glob("v*.json")):
        target = out_dir / f"{raw.stem}.json.xz"
        target.write_bytes(pack_spec(json.loads(raw.read_bytes()), raw.stem))
        total += target.stat().st_size
        print(f"{raw.stem}: {raw.stat().st_size} -> {target.stat().st_size} bytes", file=sys.stderr)
    print(f"total packed: {total} bytes", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["download", "pack"])
    parser.add_argument("--raw", type=Path, required=True, help="directory of raw swagger.json files")
    parser.add_argument("--first-minor", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO / "kfkit" / "ksonnetlib" / "specs")
    args = parser.parse_args()
    if args.step == "download":
        args.raw.mkdir(parents=True, exist_ok=True)
        for version in versions(args.first_minor, pinned_control_plane_version()):
            download(version, args.raw)
    else:
        pack(args.raw, args.out)


if __name__ == "__main__":
    main()
