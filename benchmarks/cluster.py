"""kfkit against kubectl on the same local control plane: ``.venv/bin/python benchmarks/cluster.py``.

Starts its own kube-apiserver + etcd (scripts/control_plane.py; its kubectl is the matching
client), builds an app of N/2 tf-serving components (a Service and a Deployment each) and
times, in the same run, alternating which tool goes first:

- first apply of N new objects: ``kfkit apply`` against ``kubectl apply --server-side``;
- re-apply of the N unchanged objects: the same commands again;
- ``kfkit diff`` against ``kubectl diff --server-side`` of the N unchanged objects;
- ``kfkit delete`` against ``kubectl delete -f``;
- and, for the request counts only, a diff of 2 objects.

Both tools read their discovery from a warm cache (kubectl's ``--cache-dir``, kfkit's under
its cache dir) and kfkit's render cache is warm, as on a developer's machine; so is its cache
of objects found valid once the first apply has validated them (an unchanged re-apply skips
the offline validation's schema work). kubectl gets
the same rendered objects as a file, in a namespace of its own. Requests are counted at the
server: the change in kube-apiserver's ``apiserver_request_total`` over each command, less
watches, the metric scrapes and the server's own lease, endpoints and IPAddress upkeep (but
not LISTs of those kinds: kfkit's prune lookup sends them). The same work is also
timed in-process through the library (no interpreter start-up, no imports), to show what
the CLI's start-up costs.

Writes benchmarks/results/cluster.md (min/median/max wall, median CPU, requests, ratios),
cluster.json and, with matplotlib, cluster.png. Usage: ``benchmarks/cluster.py [--objects 300]
[--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

import control_plane as cp  # noqa: E402
from _app import make_app  # noqa: E402

import kfkit  # noqa: E402

RESULTS = HERE / "results"
UPKEEP = re.compile(r'resource="(leases|endpoints|ipaddresses)"')
"""The kinds of the server's own upkeep: leases, the kubernetes Service's endpoints, a Service's
IPAddress object. It gets, writes and watches them as it runs (its informers LIST them only when
they start), while kfkit's prune lookup LISTs every kind: LISTs of these are the commands'."""
NOISE = re.compile(r'verb="WATCH"|subresource="/metrics"')
"""Watches and our own scrapes: never a measured command's requests."""


def is_noise(line: str) -> bool:
    """Whether an ``apiserver_request_total`` sample counts requests no measured command sent."""
    return bool(NOISE.search(line)) or (bool(UPKEEP.search(line)) and 'verb="LIST"' not in line)


@dataclass
class Row:
    """One measured command: wall and CPU seconds and requests of each run."""

    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    requests: list[Counter[str]] = field(default_factory=list)
    reference: str = ""
    goal: str = ""

    def median(self) -> float:
        return statistics.median(self.wall)

    def median_requests(self) -> int:
        return int(statistics.median(sum(r.values()) for r in self.requests)) if self.requests else 0


class Bench:
    """The plane, its kubeconfig, the app and kubectl's copy of the objects."""

    def __init__(self, plane: cp.ControlPlane, work: Path) -> None:
        self.plane = plane
        self.work = work
        self.kubectl = str(plane.bin_dir / "kubectl")
        # Both kfkit's caches (discovery, render) in the run's own dir, for the CLI and the library.
        os.environ["KFKIT_CACHE_DIR"] = str(work / "kfkit-cache")
        self.env = {**os.environ, "KUBECONFIG": str(plane.kubeconfig), "HOME": str(work / "home")}
        # Byte-compiled, as installed: with PYTHONDONTWRITEBYTECODE (set on this machine) every
        # run would compile kfkit again.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.run(sys.executable, "-m", "compileall", "-q", str(HERE.parent / "kfkit"))
        config = yaml.safe_load(plane.kubeconfig.read_text())
        admin = next(u for u in config["users"] if u["name"] == "admin")["user"]
        self._token = admin["token"]
        self._ssl = ssl.create_default_context(
            cafile=next(iter(config["clusters"]))["cluster"]["certificate-authority"]
        )

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> None:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, check=False)
        if done.returncode not in ok:
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")

    def kubectl_cmd(self, *args: str) -> list[str]:
        return [self.kubectl, "--cache-dir", str(self.work / "kube-cache"), *args]

    def served(self) -> Counter[str]:
        """Requests the server has answered so far, by verb (dry runs apart), noise left out."""
        request = urllib.request.Request(
            f"{self.plane.server}/metrics", headers={"Authorization": f"Bearer {self._token}"}
        )
        with urllib.request.urlopen(request, context=self._ssl) as answer:
            text = answer.read().decode()
        counts: Counter[str] = Counter()
        for line in text.splitlines():
            if line.startswith("apiserver_request_total{") and not is_noise(line):
                labels, value = line.rsplit(" ", 1)
                verb = re.search(r'verb="([^"]*)"', labels)
                dry = 'dry_run=""' not in labels
                counts[f"{verb.group(1) if verb else '?'}{' dry-run' if dry else ''}"] += int(float(value))
        return counts

    @contextmanager
    def measure(self, row: Row) -> Iterator[None]:
        before = self.served()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start, start_cpu = time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime
        yield
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        row.wall.append(time.perf_counter() - start)
        row.cpu.append(time.process_time() + children.ru_utime + children.ru_stime - start_cpu)
        row.requests.append(self.served() - before)


def _library_app(bench: Bench, root: Path) -> tuple[kfkit.App, Callable[[], Counter[str]]]:
    """The app through the library, and a function giving the requests its clients made."""
    from kfkit._api import connect_cluster

    clients: list[Any] = []

    def factory(env: Any, options: kfkit.ConnectionOptions) -> Any:
        client = connect_cluster(env, options)
        clients.append(client)
        return client

    options = kfkit.ConnectionOptions(kubeconfig=str(bench.plane.kubeconfig), factory=factory)
    return kfkit.App.load(root, connection=options), lambda: sum((c.requests for c in clients), Counter())


def kfkit_app(bench: Bench, root: Path, components: int, namespace: str) -> tuple[list[str], Path]:
    """An app of tf-serving components deploying to ``namespace``, its CLI, and its render for kubectl.

    kubectl gets the render in a namespace of its own, ``<namespace>-kubectl``.
    """
    make_app(root, components)
    cli = [sys.executable, "-m", "kfkit", "--dir", str(root)]
    bench.run(*cli, "env", "set", "default", "--server", bench.plane.server, "--namespace", namespace)
    for name in (namespace, f"{namespace}-kubectl"):
        bench.run(*bench.kubectl_cmd("create", "namespace", name))
    shown = subprocess.run(
        [*cli, "show", "default", "-o", "json"], env=bench.env, capture_output=True, check=True
    )
    items = json.loads(shown.stdout)["items"]
    for obj in items:
        obj.setdefault("metadata", {})["namespace"] = f"{namespace}-kubectl"
    manifest = bench.work / f"{namespace}.yaml"
    manifest.write_text(yaml.safe_dump_all(items))
    return cli, manifest


def measure_all(bench: Bench, objects: int, runs: int) -> list[Row]:
    root = bench.work / "app"
    kf, manifest = kfkit_app(bench, root, objects // 2, "big")
    ks, small_manifest = kfkit_app(bench, bench.work / "small", 1, "small")
    bench.run(*ks, "apply", "default", "--yes")
    bench.run(*bench.kubectl_cmd("apply", "--server-side", "-f", str(small_manifest)))
    # Warm caches: discovery for both, kfkit's render cache.
    bench.run(*bench.kubectl_cmd("api-resources"))
    bench.run(*kf, "diff", "default", ok=(0, 10))

    k_apply = ["apply", "--server-side", "-f", str(manifest)]
    rows = {
        name: Row(name, reference=reference, goal=goal)
        for name, reference, goal in [
            ("kubectl apply --server-side, new objects", "", ""),
            ("kfkit apply, new objects", "kubectl apply --server-side, new objects", "≤ 1.2x"),
            ("kfkit library plan_apply + apply, new objects", "kubectl apply --server-side, new objects", ""),
            ("kubectl apply --server-side, unchanged", "", ""),
            ("kfkit apply, unchanged", "kubectl apply --server-side, unchanged", "≤ 0.3x"),
            ("kfkit apply --no-validate, unchanged", "kubectl apply --server-side, unchanged", ""),
            ("kfkit library plan_apply + apply, unchanged", "kubectl apply --server-side, unchanged", ""),
            ("kubectl diff --server-side, unchanged", "", ""),
            ("kfkit diff, unchanged", "kubectl diff --server-side, unchanged", "≤ 0.3x"),
            ("kfkit library diff, unchanged", "kubectl diff --server-side, unchanged", ""),
            ("kubectl delete -f", "", ""),
            ("kfkit delete", "kubectl delete -f", ""),
            ("kubectl diff --server-side, 2 objects", "", ""),
            ("kfkit diff, 2 objects", "kubectl diff --server-side, 2 objects", ""),
            ("start-up: python -c 'import kfkit._api, kfkit.cluster'", "", ""),
        ]
    }
    app, library_requests = _library_app(bench, root)
    app.plan_apply("default")  # imports, render cache, discovery: what a long-lived process has done

    def library(name: str, work: Callable[[], object]) -> None:
        row, before = rows[name], library_requests()
        with bench.measure(row):
            work()
        row.requests[-1] = library_requests() - before  # the client's own count

    def kubectl_phase() -> None:
        for name, args, ok in [
            ("kubectl apply --server-side, new objects", k_apply, (0,)),
            ("kubectl apply --server-side, unchanged", k_apply, (0,)),
            ("kubectl diff --server-side, unchanged", ["diff", "--server-side", "-f", str(manifest)], (0,)),
            (
                "kubectl diff --server-side, 2 objects",
                ["diff", "--server-side", "-f", str(small_manifest)],
                (0,),
            ),
            ("kubectl delete -f", ["delete", "-f", str(manifest), "--wait=false"], (0,)),
        ]:
            with bench.measure(rows[name]):
                bench.run(*bench.kubectl_cmd(*args), ok=ok)

    def kfkit_phase() -> None:
        for name, args in [
            ("kfkit apply, new objects", [*kf, "apply", "default", "--yes"]),
            ("kfkit apply, unchanged", [*kf, "apply", "default", "--yes"]),
            ("kfkit apply --no-validate, unchanged", [*kf, "apply", "default", "--yes", "--no-validate"]),
            ("kfkit diff, unchanged", [*kf, "diff", "default"]),
            ("kfkit diff, 2 objects", [*ks, "diff", "default"]),
        ]:
            with bench.measure(rows[name]):
                bench.run(*args)
        library("kfkit library plan_apply + apply, unchanged", lambda: app.apply(app.plan_apply("default")))
        library("kfkit library diff, unchanged", lambda: app.diff("default"))
        with bench.measure(rows["kfkit delete"]):
            bench.run(*kf, "delete", "default", "--yes")
        library("kfkit library plan_apply + apply, new objects", lambda: app.apply(app.plan_apply("default")))
        app.delete(app.plan_delete("default"))
        with bench.measure(rows["start-up: python -c 'import kfkit._api, kfkit.cluster'"]):
            bench.run(sys.executable, "-c", "import kfkit._api, kfkit.cluster")

    # One tool's objects at a time (the plane's Service range holds 254), alternating which goes first.
    for run in range(runs):
        for phase in (kubectl_phase, kfkit_phase) if run % 2 == 0 else (kfkit_phase, kubectl_phase):
            phase()
    return list(rows.values())


def write_results(rows: list[Row], header: str, objects: int, runs: int) -> str:
    by_name = {row.name: row for row in rows}
    lines = [
        f"# kfkit against kubectl: {objects} objects, {runs} runs, {header}",
        "",
        "| command | wall min s | median | max | CPU median s | requests (median) "
        "| x reference, wall (CPU; requests) | goal |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = ""
        if row.reference:
            ref = by_name[row.reference]
            cpu = statistics.median(row.cpu) / statistics.median(ref.cpu)
            requests = row.median_requests() / max(ref.median_requests(), 1)
            ratio = f"{row.median() / ref.median():.2f}x ({cpu:.2f}x; {requests:.2f}x) {ref.name}"
        lines.append(
            f"| {row.name} | {min(row.wall):.3f} | {row.median():.3f} | {max(row.wall):.3f} | "
            f"{statistics.median(row.cpu):.3f} | {row.median_requests()} | {ratio} | {row.goal} |"
        )
    lines += ["", "Requests by verb (first run):", ""]
    lines += [f"- {row.name}: {dict(sorted(row.requests[0].items()))}" for row in rows if row.requests]
    return "\n".join(lines) + "\n"


def chart(rows: list[Row], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no cluster.png (pip install -e '.[bench]')")
        return
    by_name = {row.name: row for row in rows}
    compared = [row for row in rows if row.reference]
    ratios = [row.median() / by_name[row.reference].median() for row in compared]
    figure, axes = plt.subplots(figsize=(9, 0.5 * len(compared) + 1.2))
    axes.barh([row.name for row in compared], ratios, color="#3b7dd8")
    axes.axvline(1.0, color="black", linewidth=0.8)
    axes.set_xlabel("median wall time, x kubectl (same run)")
    axes.invert_yaxis()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, cp.ControlPlane(cp.ensure_binaries()) as plane:
        bench = Bench(plane, Path(tmp))
        rows = measure_all(bench, args.objects, args.runs)
    header = f"{os.cpu_count()} cores, load average {load:.1f} at start, {os.getloadavg()[0]:.1f} at end"
    RESULTS.mkdir(exist_ok=True)
    text = write_results(rows, header, args.objects, args.runs)
    (RESULTS / "cluster.md").write_text(text)
    (RESULTS / "cluster.json").write_text(
        json.dumps(
            [
                {
                    "name": r.name,
                    "wall": r.wall,
                    "cpu": r.cpu,
                    "requests": r.requests,
                    "reference": r.reference,
                }
                for r in rows
            ],
            indent=1,
        )
    )
    chart(rows, RESULTS / "cluster.png")
    print(text)


if __name__ == "__main__":
    main()
