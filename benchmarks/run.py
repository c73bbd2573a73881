"""All of kfkit's speed comparisons in one run: ``.venv/bin/python benchmarks/run.py``.

Every comparison is a ratio of two timings taken in the same run, on the same app, so the
numbers from a loaded or a different machine stay comparable. The references:

- go-jsonnet alone (the limit): the same components in one evaluation, params inlined;
- Tanka's ``tk eval`` of the same components, when a ``tk`` binary is found
  ($KFKIT_BENCH_TK, $PATH, or ~/.cache/kfkit/bench/bin/tk; ``--build-tk`` builds it from the
  pinned tools module tools/tanka, through the Go module proxy, on the same go-jsonnet version as
  kfkit's binding). Without it that row is skipped, and the render in worker processes is read
  against the engine alone, which evaluates in one process as ``tk eval`` does (same engine,
  same Jsonnet).

Writes benchmarks/results/results.md (min/median/max), results.json and, when matplotlib
is installed (``pip install -e '.[bench]'``), results.png.

Usage: ``benchmarks/run.py [--n 800] [--runs 3] [--build-tk] [--only startup]``; ``--only startup``
times start-up alone (seconds, not the N-component renders) into results/startup.md and .json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _gojsonnet  # noqa: E402
from _app import make_app  # noqa: E402

from kfkit import App, RenderOptions  # noqa: E402
from kfkit._workers import cores  # noqa: E402
from kfkit.app import parse_prototype  # noqa: E402
from kfkit.app._prototype import prototype_params  # noqa: E402
from kfkit.params import _store, set_param  # noqa: E402
from kfkit.render import _facts  # noqa: E402

ROOT = HERE.parent
RESULTS = HERE / "results"
KFKIT = [sys.executable, "-m", "kfkit"]
ENVIRONMENTS = json.dumps({"server": "", "namespace": "default"})
"""``__ksonnet/environments`` for the engine alone and tk: what kfkit passes for the default environment."""


@dataclass
class Row:
    """One measured path: wall times of each run, and what it is compared with."""

    name: str
    measured: tuple[list[float], list[float]]
    """Wall-clock and CPU seconds (this process's threads, or the child's) of each run."""
    reference: str | None = None
    goal: str = ""

    @property
    def times(self) -> list[float]:
        return self.measured[0]

    @property
    def cpu(self) -> list[float]:
        return self.measured[1]

    def stats(self) -> tuple[float, float, float]:
        return min(self.times), statistics.median(self.times), max(self.times)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(
    fn: Callable[[], object], runs: int, setup: Callable[[], object] | None = None
) -> tuple[list[float], list[float]]:
    """Wall and CPU time of each run: CPU is what a loaded machine distorts least."""
    wall, cpu = [], []
    for _ in range(runs):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), _cpu()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    return wall, cpu


Measure = Callable[[], tuple[float, float]]
"""One run of something: its wall and CPU seconds."""


def outside(fn: Callable[[], object]) -> Measure:
    """``fn``'s times as this process sees them (a command's include its start-up)."""

    def measure() -> tuple[float, float]:
        (wall,), (cpu,) = timed(fn, 1)
        return wall, cpu

    return measure


def fresh(what: str, app: App) -> Measure:
    """``what`` (a key of FRESH) in an interpreter of its own, timed there once it is set up
    (imports, the app read): no contender inherits another's Python or Go heap, as none of
    ``tk eval``'s runs does; in one long-lived process they did, and drifted with it."""

    def measure() -> tuple[float, float]:
        wall, cpu, *_ = fresh_run(what, app)
        return wall, cpu

    return measure


def fresh_run(what: str, app: App) -> list[float]:
    """One ``run.py --fresh``: wall and CPU seconds, then the peak memory in GB of that
    interpreter (VmHWM: ``ru_maxrss`` would carry over this large process's) and of the largest
    process it started."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--fresh", what, str(app.dir.root)]
    return [float(v) for v in subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()]


def interleaved(contenders: dict[str, Measure], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each one's wall and CPU times, taken in turns (every round runs each once): a drift in
    the machine's speed during the run then touches them all alike, not one row more."""
    measured: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in contenders}
    for _ in range(runs):
        for name, measure in contenders.items():
            wall, cpu = measure()
            measured[name][0].append(wall)
            measured[name][1].append(cpu)
    return measured


def command(
    args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(
            args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    return run


def prototype_rows(runs: int) -> list[Row]:
    """tf-serving per component in go-jsonnet, now and with the old whole-object std.prune."""
    rows = []
    for label, path in (
        ("tf-serving per component x100, conditional fields", ROOT / "prototypes" / "tf-serving.jsonnet"),
        (
            "tf-serving per component x100, old std.prune",
            ROOT / "tests" / "unit" / "prototypes" / "data" / "tf-serving-pruned.jsonnet",
        ),
    ):
        proto = parse_prototype(path)
        params = prototype_params(proto, "c", {}, {"modelPath": "/m"})
        cases = [dict(params, name=f"c{i}") for i in range(100)]
        code = (
            f"local render(params, env) =\n{proto.body};\n"
            f"[render(c, {{namespace: 'default', server: ''}}) for c in {json.dumps(cases)}]"
        )
        rows.append(Row(label, timed(functools.partial(_gojsonnet.evaluate_snippet, "b", code), runs)))
    rows[0].reference = rows[1].name
    rows[0].goal = "≤ 8 ms per component"
    return rows


def engine_alone(app: App, *, with_params: bool = False) -> Callable[[], object]:
    """go-jsonnet evaluating every component in one evaluation, params given as JSON
    (``with_params``: evaluated from the params file first, as part of the timed work)."""
    params = str(app.dir.params_file)
    environments = ENVIRONMENTS
    code = "{\n" + "".join(f'  "{c.name}": import "{c.path}",\n' for c in app.dir.components()) + "}\n"

    def ext() -> dict[str, str]:
        raw = _gojsonnet.evaluate_file(params, ext_codes={"__ksonnet/environments": "{}"})
        return {
            "__ksonnet/environments": environments,
            "__ksonnet/params": json.dumps({"components": json.loads(raw)["components"]}),
        }

    given = ext()
    return lambda: json.loads(
        _gojsonnet.evaluate_snippet("engine", code, ext_codes=ext() if with_params else given)
    )


FRESH: dict[str, Callable[[App], Callable[[], object]]] = {
    "engine": engine_alone,
    "engine-with-params": functools.partial(engine_alone, with_params=True),
    "render": lambda app: lambda: app.render("default", options=RenderOptions(cache=False)),
    "render-in-process": lambda app: (
        lambda: app.render("default", options=RenderOptions(cache=False, processes=False))
    ),
}
"""What :func:`fresh` can time, each made ready for one app."""


def cores_note(rows: list[Row]) -> str:
    """How many cores each render kept busy: its CPU time over its wall time (medians)."""
    busy = [
        f"{r.name}: {statistics.median(c / w for w, c in zip(*r.measured, strict=True)):.2f}"
        for r in rows
        if ("--no-cache" in r.name and " vs " not in r.name) or r.name.startswith("go-jsonnet alone")
    ]
    return (
        "Cores kept busy (CPU time / wall time; 2.00 = both cores all the time, "
        f"and less whenever other work holds a core): {'; '.join(busy)}."
    )


def memory_note(app: App) -> str:
    """Peak memory of a cold render in worker processes and in one process, each in a fresh
    interpreter (a process's peak never goes down, so an earlier render would hide it)."""
    app.render("default", options=RenderOptions(cache=False))  # generates the ksonnet-lib: not measured
    *_, own, worker = fresh_run("render", app)
    *_, alone, _ = fresh_run("render-in-process", app)
    return (
        f"Peak memory (RSS) of a cold render: with worker processes {own:.2f} GB in kfkit's own process "
        f"and {worker:.2f} GB in the largest worker (one per core, so about {own + cores() * worker:.2f} GB "
        f"in all); in one process {alone:.2f} GB."
    )


def find_tk(build: bool) -> str | None:
    cache_bin = Path.home() / ".cache" / "kfkit" / "bench" / "bin"
    found = os.environ.get("KFKIT_BENCH_TK") or shutil.which("tk") or shutil.which("tk", path=str(cache_bin))
    if found or not build or not shutil.which("go"):
        return found
    tools = ROOT / "tools" / "tanka"
    subprocess.run(
        [
            "go",
            "-C",
            str(tools),
            "build",
            "-trimpath",
            "-o",
            str(cache_bin / "tk"),
            "github.com/grafana/tanka/cmd/tk",
        ],
        check=True,
    )
    return shutil.which("tk", path=str(cache_bin))


def tanka_project(app: App, root: Path) -> Path:
    """A Tanka project whose environment evaluates the app's components, params as JSON."""
    env = root / "environments" / "default"
    env.mkdir(parents=True)
    (root / "jsonnetfile.json").write_text('{"version": 1, "dependencies": []}\n')
    raw = _gojsonnet.evaluate_file(str(app.dir.params_file), ext_codes={"__ksonnet/environments": "{}"})
    (root / "params.json").write_text(json.dumps({"components": json.loads(raw)["components"]}))
    (env / "spec.json").write_text(
        json.dumps(
            {
                "apiVersion": "tanka.dev/v1alpha1",
                "kind": "Environment",
                "metadata": {"name": "default"},
                "spec": {"apiServer": "https://localhost:6443", "namespace": "default"},
            }
        )
    )
    (env / "main.jsonnet").write_text(
        "{\n" + "".join(f'  "{c.name}": import "{c.path}",\n' for c in app.dir.components()) + "}\n"
    )
    return env


def check_same_output(tk_cmd: list[str], app: App) -> None:
    """Refuse to compare unless ``tk eval`` computes exactly what the engine alone does."""
    done = subprocess.run(tk_cmd, check=True, capture_output=True, text=True)
    if json.loads(done.stdout) != engine_alone(app)():
        raise SystemExit(
            "benchmarks: tk eval's output differs from go-jsonnet's; the comparison would mislead"
        )


def render_rows(n: int, runs: int, tk: str | None, tmp: Path) -> list[Row]:
    os.environ["KFKIT_CACHE_DIR"] = str(tmp / "cache")
    app = make_app(tmp / f"app{n}", n)
    one = make_app(tmp / "app1", 1)
    no_cache = RenderOptions(cache=False)
    app.render("default", options=no_cache)  # generates the ksonnet-lib, which no timed render should
    engine = f"go-jsonnet alone, N={n} (reference: one evaluation, as tk eval)"
    cold = f"kfkit render N={n}, --no-cache (components in worker processes)"
    single = f"kfkit render N={n}, --no-cache, processes=False (one evaluation in this process)"
    # kfkit evaluates the params file on every --no-cache render; the engine above got them for free.
    with_params = f"go-jsonnet alone, N={n}, evaluating the params file too"
    contenders = {
        engine: fresh("engine", app),
        cold: fresh("render", app),
        single: fresh("render-in-process", app),
        with_params: fresh("engine-with-params", app),
    }
    tanka, show = f"tk eval N={n}", f"kfkit show default --no-cache, N={n}"
    if tk is not None:
        tk_env = tanka_project(app, tmp / "tanka")
        # An import, not the JSON itself: one argument may not exceed 128 KiB (Linux's MAX_ARG_STRLEN).
        params_json = json.dumps(str(tmp / "tanka" / "params.json"))
        tk_cmd = [tk, "eval", str(tk_env), "--ext-code", f"__ksonnet/environments={ENVIRONMENTS}"]
        tk_cmd += ["--ext-code", f"__ksonnet/params=import {params_json}"]
        check_same_output(tk_cmd, app)
        contenders[tanka] = outside(command(tk_cmd))
        # Both commands whole: start-up, evaluation, and writing every object out (kfkit as YAML).
        contenders[show] = outside(command([*KFKIT, "show", "default", "--no-cache"], cwd=app.dir.root))
    measured = interleaved(contenders, runs)
    rows = [
        Row(engine, measured[engine]),
        Row(cold, measured[cold], engine, "" if tk else "wall ≤ 0.6x tk eval (no tk: of the engine alone)"),
        Row(single, measured[single], engine),
        Row("kfkit render --no-cache, worker processes vs one evaluation", measured[cold], single),
        Row(with_params, measured[with_params]),
        Row("kfkit render --no-cache vs the engine with params", measured[cold], with_params),
        # The same collector setting on both sides: what kfkit's own work adds to the engine's.
        Row(
            "kfkit render --no-cache, processes=False vs the engine with params",
            measured[single],
            with_params,
            "CPU ≤ 1.05x",
        ),
    ]
    if tk is not None:
        rows += [
            Row(tanka, measured[tanka]),
            Row("kfkit render --no-cache vs tk eval", measured[cold], tanka, "wall ≤ 0.6x tk eval"),
            Row(show, measured[show], tanka, "wall ≤ 0.6x tk eval"),
        ]
    cache_dir = tmp / "cache"
    rows.append(
        Row(
            f"kfkit render N={n}, cold cache",
            timed(lambda: app.render("default"), runs, lambda: shutil.rmtree(cache_dir, ignore_errors=True)),
            cold,
        )
    )
    app.render("default")
    rows.append(Row(f"kfkit render N={n}, warm cache", timed(lambda: app.render("default"), runs), cold))
    values = iter(range(1_000_000))
    rows.append(
        Row(
            f"kfkit render N={n} after one param set",
            timed(
                lambda: app.render("default"),
                runs,
                lambda: set_param(app.dir, "model-0003", "modelName", f"m{next(values)}"),
            ),
            cold,
            "≤ 0.1x cold",
        )
    )
    # A params file remembered by its stat once it is SETTLED seconds old: `show -c` as it runs
    # when the params were not written in the last two seconds (kfkit/render/_facts.py).
    time.sleep(_facts.SETTLED)
    show_one = Row("show -c one, N=1", timed(lambda: one.render("default", components=["model-0000"]), runs))
    rows.append(show_one)
    rows.append(
        Row(
            f"show -c one, N={n}",
            timed(lambda: app.render("default", components=["model-0000"]), runs),
            show_one.name,
            "≤ 1.5x N=1",
        )
    )
    rows.append(
        Row(
            f"show -c one, N={n}, --no-cache",
            timed(lambda: app.render("default", components=["model-0000"], options=no_cache), runs),
            show_one.name,
        )
    )
    rows.append(
        Row(
            f"param set, N={n} (library)",
            timed(lambda: set_param(app.dir, "model-0005", "modelName", f"m{next(values)}"), runs),
            goal="≤ 0.25 s",
        )
    )
    rows.append(
        Row(
            f"param set, N={n}, first edit of the file (parsed whole; makes its outline)",
            timed(
                lambda: set_param(app.dir, "model-0006", "modelName", f"m{next(values)}"),
                runs,
                lambda: shutil.rmtree(_store._outlines(), ignore_errors=True),
            ),
        )
    )
    return rows


TYPER_FLOOR = """
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None)
@app.command()
def one(x: int = 1) -> None: ...
@app.command()
def two(y: str = "") -> None: ...
app()
"""
"""The least any typer CLI costs: two commands, ``--help``."""


def startup_rows(runs: int, tmp: Path) -> list[Row]:
    """Start-up as users have it: byte-compiled modules (this machine sets PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kfkit")], check=True, env=env)
    small = make_app(tmp / "small", 1)
    python = Row("python -c pass (reference)", timed(command([sys.executable, "-c", "pass"], env=env), runs))
    floor = Row(
        "typer: two commands, --help (floor)",
        timed(command([sys.executable, "-c", TYPER_FLOOR, "--help"], env=env), runs),
        python.name,
    )
    rows = [python, floor]
    for label, args in (
        ("kfkit --help", ["--help"]),
        ("kfkit version", ["version"]),
        (
            "kfkit param set (small app)",
            ["--dir", str(small.root), "param", "set", "model-0000", "replicas", "2"],
        ),
        ("kfkit show -c (small app)", ["--dir", str(small.root), "show", "default", "-c", "model-0000"]),
    ):
        rows.append(Row(label, timed(command(KFKIT + args, env=env), runs), python.name, "≤ 0.15 s"))
    return rows


def write_results(rows: list[Row], header: str, stem: str = "results") -> None:
    RESULTS.mkdir(exist_ok=True)
    by_name = {r.name: r for r in rows}
    lines = [
        header,
        "",
        "| path | wall min s | median | max | CPU median s | x reference, wall (CPU) | goal |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        lo, med, hi = row.stats()
        cpu = statistics.median(row.cpu)
        ratio = ""
        if row.reference:
            ref = by_name[row.reference]
            wall_ratio = med / statistics.median(ref.times)
            ratio = f"{wall_ratio:.2f}x ({cpu / statistics.median(ref.cpu):.2f}x) {row.reference}"
        lines.append(f"| {row.name} | {lo:.3f} | {med:.3f} | {hi:.3f} | {cpu:.3f} | {ratio} | {row.goal} |")
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            [{"name": r.name, "wall": r.times, "cpu": r.cpu, "reference": r.reference} for r in rows],
            indent=1,
        )
        + "\n"
    )
    print("\n".join(lines))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"matplotlib not installed: no {stem}.png (pip install -e '.[bench]')")
        return
    fig, ax = plt.subplots(figsize=(10, 0.4 * len(rows) + 1))
    names = [r.name for r in rows][::-1]
    stats = [r.stats() for r in rows][::-1]
    ax.barh(names, [s[1] for s in stats], xerr=[[s[1] - s[0] for s in stats], [s[2] - s[1] for s in stats]])
    ax.set_xscale("log")
    ax.set_xlabel("seconds (median, bars: min..max; log scale)")
    ax.set_title(header.splitlines()[0].lstrip("# "), fontsize=8)
    fig.tight_layout()
    fig.savefig(RESULTS / f"{stem}.png", dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800, help="components in the large app")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-tk", action="store_true", help="go install Tanka's tk if missing")
    parser.add_argument(
        "--only", choices=["startup"], help="only these rows (startup: seconds, into results/startup.*)"
    )
    parser.add_argument("--fresh", nargs=2, metavar=("WHAT", "APP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fresh:  # one run of FRESH[WHAT] in this new interpreter: fresh()'s other end
        what, root = args.fresh
        (wall,), (cpu,) = timed(FRESH[what](App.load(root)), 1)
        peak = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
        own = int(peak[1]) / 2**20 if peak else 0.0
        print(wall, cpu, own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20)
        return
    if args.only == "startup":
        header = (
            f"# kfkit start-up: {max(args.runs, 5)} runs, {cores()} cores, "
            f"load average {os.getloadavg()[0]:.1f} at start"
        )
        with tempfile.TemporaryDirectory() as tmp:
            write_results(startup_rows(max(args.runs, 5), Path(tmp)), header, "startup")
        return
    tk = find_tk(args.build_tk)
    load = os.getloadavg()[0]
    header = (
        f"# kfkit benchmarks: N={args.n}, {args.runs} runs, {cores()} cores, "
        f"load average {load:.1f} at start, go-jsonnet {_gojsonnet.version}, tk: {tk or 'not found'}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rows = prototype_rows(args.runs)
        rows += render_rows(args.n, args.runs, tk, Path(tmp))
        rows += startup_rows(max(args.runs, 5), Path(tmp))
        memory = memory_note(make_app(Path(tmp) / "memory", args.n))
    write_results(rows, "\n\n".join([header, memory, cores_note(rows)]))


if __name__ == "__main__":
    main()
