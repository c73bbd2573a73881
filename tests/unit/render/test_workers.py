"""A large render's components evaluated in worker processes: the same objects, the same errors."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from kfkit import App, RenderOptions, _workers
from kfkit._progress import Progress
from kfkit._types import JsonValue
from kfkit._workers import Job, decode, encode, evaluate_in_workers
from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation
from kfkit.manifests import to_yaml
from kfkit.render import _incremental

MANY = 3 * _incremental._MIN_GROUP  # enough for workers on any machine with 2 cores or more
PLAIN = (
    'local env = std.extVar("__ksonnet/environments");\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "%s"}, data: {ns: env.namespace}}\n'
)
READS_OTHERS = (
    'local all = std.extVar("__ksonnet/params").components;\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "reader"}, data: {path: all["model-1"].modelPath}}\n'
)
USES_LIB = (
    'local lib = import "util.libsonnet";\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "libuser"},'
    ' data: {v: lib.value, text: importstr "note.txt", x: std.extVar("flavour")}}\n'
)


class Spy:
    """What the render did: the jobs given to workers, and the groups evaluated in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.jobs: list[Sequence[Sequence[Job]]] = []
        self.here: list[set[str]] = []
        workers, group = _workers.evaluate_in_workers, _incremental._evaluate_group

        def in_workers(jobs: Sequence[Sequence[Job]]) -> Iterator[JsonValue]:
            self.jobs.append(jobs)
            return workers(jobs)

        def here(codes: Mapping[str, str], evaluation: Evaluation) -> dict[str, JsonValue]:
            self.here.append(set(codes))
            return group(codes, evaluation)

        monkeypatch.setattr(_incremental, "evaluate_in_workers", in_workers)
        monkeypatch.setattr(_incremental, "_evaluate_group", here)
        monkeypatch.setattr(_incremental, "cores", lambda: 2)  # workers even on one core


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    return Spy(monkeypatch)


@pytest.fixture
def many(tmp_path: Path) -> App:
    """An app of MANY components: tf-serving ones, one reading others' params, one importing a
    library and a text file and reading an ext var, plain ones, and a YAML one."""
    app = App.init(tmp_path / "many")
    for i in range(3):
        app.generate("tf-serving", f"model-{i}", {}, {"modelPath": f"/models/{i}"})
    components = app.root / "components"
    (components / "reader.jsonnet").write_text(READS_OTHERS)
    (components / "libuser.jsonnet").write_text(USES_LIB)
    (components / "note.txt").write_text("a note\n")
    (app.root / "lib").mkdir(exist_ok=True)
    (app.root / "lib" / "util.libsonnet").write_text("{ value: 'one' }")
    (components / "plain.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: p\n")
    for i in range(MANY - 6):
        (components / f"c{i:02d}.jsonnet").write_text(PLAIN % f"c{i:02d}")
    return App.load(app.root)


def show(app: App, **options: Any) -> str:
    """``kfkit show default -V flavour=vanilla --no-cache``."""
    return to_yaml(
        app.render("default", options=RenderOptions(cache=False, ext_strs={"flavour": "v"}, **options))
    )


def test_a_large_render_in_workers_equals_one_evaluation(many: App, spy: Spy) -> None:
    events: list[Progress] = []
    in_workers = show(many, on_progress=events.append)
    assert [len(jobs) for jobs in spy.jobs] == [2]
    assert not spy.here  # nothing evaluated again in this process
    assert in_workers == show(many, processes=False)
    assert spy.here and len(spy.jobs) == 1
    assert "name: libuser" in in_workers and "text: |\n    a note" in in_workers
    assert [e.done for e in events][-1] == events[-1].total == MANY


def test_the_values_workers_stream_fill_the_cache_a_warm_render_reads(many: App, spy: Spy) -> None:
    expected = show(many, processes=False)
    options = RenderOptions(ext_strs={"flavour": "v"})  # the cache on
    assert to_yaml(many.render("default", options=options)) == expected
    assert len(spy.jobs) == 1
    spy.here.clear()
    assert to_yaml(many.render("default", options=options)) == expected
    # Every Jsonnet component from the cache; only the YAML one, whose code is its data, again.
    assert len(spy.jobs) == 1 and spy.here == [{"plain"}]


def test_processes_false_and_a_small_render_start_no_worker(tmp_path: Path, many: App, spy: Spy) -> None:
    show(many, processes=False)
    small = App.init(tmp_path / "small")
    small.generate("tf-serving", "model", {}, {"modelPath": "/models/m"})
    show(small)
    assert not spy.jobs
    assert len(spy.here) == 2


def test_a_failing_component_is_reported_as_one_evaluation_reports_it(tmp_path: Path, spy: Spy) -> None:
    app = App.init(tmp_path / "app")
    for i in range(MANY):
        body = f'error "broken {i}"' if i in (7, 40) else "{}"  # one in each worker's group
        (app.root / "components" / f"c{i:02d}.jsonnet").write_text(body)
    with pytest.raises(RenderError, match="broken 7"):
        app.render("default", options=RenderOptions(cache=False))
    assert len(spy.jobs) == 1 and len(spy.here) == 1


@pytest.mark.parametrize(
    "breakage",
    [
        (sys, "executable", "/nonexistent/python"),  # no worker starts
        (_workers, "_START", "import sys; sys.exit(3)"),  # a worker exits without a value
        (_workers, "_START", "import sys; print('{not json')"),  # a worker answers nonsense
        (_workers, "_START", "pass"),  # exits well, answering nothing
        (_workers, "_START", "import sys; sys.stdout.write('2\\n{}' * 2)"),  # more values than jobs
    ],
    ids=["no-start", "exit", "garbage", "silent", "extra"],
)
def test_a_broken_worker_leaves_the_render_to_this_process(
    many: App, spy: Spy, monkeypatch: pytest.MonkeyPatch, breakage: tuple[object, str, str]
) -> None:
    expected = show(many, processes=False)
    spy.here.clear()
    monkeypatch.setattr(*breakage)
    events: list[Progress] = []
    assert show(many, on_progress=events.append) == expected
    assert len(spy.jobs) == 1 and len(spy.here) == 1
    assert [e.done for e in events] == sorted(e.done for e in events)
    assert events[-1].done == MANY


def test_workers_read_no_python_from_the_working_directory(
    many: App, spy: Spy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A cloned app is most commands' working directory: its files must not run as kfkit.
    marker = tmp_path / "ran"
    for module in ("json.py", "_gojsonnet.py", "kfkit/__init__.py"):
        (many.root / module).parent.mkdir(exist_ok=True)
        (many.root / module).write_text(f"open({str(marker)!r}, 'w').write({module!r})\n")
    monkeypatch.chdir(many.root)
    try:
        assert "name: c00" in show(many)
    finally:
        for module in ("json.py", "_gojsonnet.py", "kfkit/__init__.py"):
            (many.root / module).unlink()
        (many.root / "kfkit").rmdir()
    assert not marker.exists()
    assert len(spy.jobs) == 1 and not spy.here


def test_a_worker_evaluates_its_share_in_batches_unless_its_imports_are_large(
    many: App, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_incremental, "_BATCH", 10)
    expected = show(many, processes=False)
    assert show(many) == expected
    share = MANY // 2
    assert [len(batch) for batch in spy.jobs[-1]] == [-(-share // 10)] * 2
    names = [n for batch in spy.jobs[-1] for job in batch for n in re.findall(r'^  "(.+)": ', job.code, re.M)]
    assert sorted(names) == sorted(set(names)) and len(names) == MANY  # each component in one job
    # A library too big to parse again for every batch: the worker's share in one evaluation.
    big = "{ value: 'one', pad: '%s' }" % ("x" * _incremental._BATCH_IMPORTS)
    (many.root / "lib" / "util.libsonnet").write_text(big)
    assert show(many) == expected
    assert [len(batch) for batch in spy.jobs[-1]] == [1, 1]
    # So may one whose imports kfkit cannot follow (std passed around as a value).
    (many.root / "lib" / "util.libsonnet").write_text("{ value: 'one' }")
    (many.root / "components" / "c00.jsonnet").write_text("local s = std; " + PLAIN % "c00")
    assert show(many) == expected
    assert [len(batch) for batch in spy.jobs[-1]] == [1, 1]


def test_workers_collect_garbage_as_the_user_set_else_as_kfkit_tuned_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str | None] = []
    popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        seen.append(kwargs["env"].get("GOGC"))
        return popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording)
    job = Job("<two>", "1 + 1", Evaluation())
    monkeypatch.delenv("GOGC", raising=False)
    assert list(evaluate_in_workers([[job]])) == [2]
    monkeypatch.setenv("GOGC", "150")
    assert list(evaluate_in_workers([[job], [job, job]])) == [2, 2, 2]
    assert seen == ["800", "150", "150"]


def test_values_arrive_while_workers_still_evaluate_and_closing_stops_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A worker that answers its first job, then takes forever over the second.
    monkeypatch.setattr(
        _workers, "_START", "import sys, time; print(1); print(7, end='', flush=True); time.sleep(60)"
    )
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", recording)
    job = Job("<two>", "1 + 1", Evaluation())
    values = evaluate_in_workers([[job, job]])
    start = time.monotonic()
    assert next(values) == 7
    assert time.monotonic() - start < 30
    values.close()
    assert [worker.poll() for worker in started] == [-9]  # killed, not left running


def test_a_job_reaches_the_worker_whole() -> None:
    evaluation = Evaluation(
        jpath=(Path("/lib"), Path("/vendor")),
        ext_strs={"a": "1"},
        ext_codes={"b": "{}"},
        tla_strs={"c": "x"},
        tla_codes={"d": "[]"},
        root=Path("/app"),
        confine=(Path("/app"),),
        overrides={Path("/app/p.libsonnet"): "{}"},
        max_output_bytes=10,
    )
    job = Job("<name>", "std.extVar('a')", evaluation)
    data = encode(job)
    # Every field set to something other than its default, so a new field cannot be left out.
    assert {f.name for f in dataclasses.fields(Evaluation)} == set(data) - {"name", "code"}
    assert all(
        getattr(evaluation, f.name) != getattr(Evaluation(), f.name) for f in dataclasses.fields(Evaluation)
    )
    assert decode(json.loads(json.dumps(data))) == job


def test_a_worker_writes_each_value_once_evaluated_and_fails_at_the_first_error() -> None:
    def run(*codes: str) -> tuple[int, list[JsonValue]]:
        jobs = json.dumps([encode(Job("<snippet>", code, Evaluation())) for code in codes])
        serve = "from kfkit._workers import serve; serve()"
        done = subprocess.run(
            [sys.executable, "-c", serve], input=jobs.encode(), capture_output=True, check=False
        )
        values, rest = [], done.stdout
        while rest:  # each value: its length in bytes on a line, then the engine's JSON
            length, _, rest = rest.partition(b"\n")
            values.append(json.loads(rest[: int(length)]))
            rest = rest[int(length) :]
        return done.returncode, values

    assert run('{b: [1, "x"], a: null}', "[]") == (0, [{"a": None, "b": [1, "x"]}, []])
    assert run("1", 'error "no"', "3") == (1, [1])


@pytest.mark.parametrize(
    ("files", "quota"),
    [
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu.max": "150000 100000\n"}, 2),
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),
        ({}, None),
    ],
    ids=["v2-none", "v2-1.5", "v2-0.5", "v1-none", "v1-3", "no-cgroup"],
)
def test_workers_are_as_many_as_the_cgroup_s_cpu_quota_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], quota: int | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(_workers, "CGROUP", tmp_path)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(8)))
    assert _workers.cores() == (8 if quota is None else quota)
