"""The render cache: a cached render is byte-identical to a fresh one, and any change a
component can see re-renders it (and only it)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kfkit import App, RenderOptions
from kfkit._types import JsonValue
from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation
from kfkit.manifests import to_yaml
from kfkit.params import set_param
from kfkit.render import _facts, _incremental
from kfkit.render._cache import Store, default_dir
from kfkit.render._deps import PARAMS_JSON

READS_OTHERS = (
    'local all = std.extVar("__ksonnet/params").components;\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "reader"}, data: {path: all["model-1"].modelPath}}\n'
)
USES_LIB = (
    'local env = std.extVar("__ksonnet/environments");\n'
    'local params = std.extVar("__ksonnet/params").components.libuser;\n'
    'local lib = import "util.libsonnet";\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "libuser"},'
    ' data: {v: lib.value, ns: env.namespace, x: std.extVar("flavour")}}\n'
)


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = App.init(tmp_path / "app")
    for i in range(3):
        app.generate("tf-serving", f"model-{i}", {}, {"modelPath": f"/models/{i}"})
    (app.root / "components" / "reader.jsonnet").write_text(READS_OTHERS)
    (app.root / "components" / "libuser.jsonnet").write_text(USES_LIB)
    (app.root / "lib").mkdir(exist_ok=True)
    (app.root / "lib" / "util.libsonnet").write_text("{ value: 'one' }")
    (app.root / "components" / "plain.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: p\n"
    )
    return app


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the components each render actually evaluated."""
    names: list[str] = []
    real = _incremental._evaluate_group

    def spy(codes: Mapping[str, str], evaluation: Evaluation) -> dict[str, JsonValue]:
        names.extend(codes)
        return real(codes, evaluation)

    monkeypatch.setattr(_incremental, "_evaluate_group", spy)
    return names


@pytest.fixture
def passed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[set[str], set[str]]]:
    """For each evaluation of components: their names, and the names whose params it was passed."""
    seen: list[tuple[set[str], set[str]]] = []
    real = _incremental._evaluate_group

    def spy(codes: Mapping[str, str], evaluation: Evaluation) -> dict[str, JsonValue]:
        seen.append((set(codes), set(json.loads(evaluation.ext_strs[PARAMS_JSON])["components"])))
        return real(codes, evaluation)

    monkeypatch.setattr(_incremental, "_evaluate_group", spy)
    return seen


FLAVOUR = {"flavour": "vanilla"}


def show(app: App, *, cache: bool = True, ext_strs: Mapping[str, str] = FLAVOUR) -> str:
    """``kfkit show default -V flavour=vanilla`` (the app read afresh, as a command would)."""
    options = RenderOptions(cache=cache, ext_strs=ext_strs)
    return to_yaml(App.load(app.root).render("default", options=options))


def check(app: App, evaluated: list[str], expected: set[str]) -> str:
    """A cached render equals a fresh one, and re-evaluated exactly ``expected``."""
    evaluated.clear()
    cached = show(app)
    assert set(evaluated) == expected
    assert cached == show(app, cache=False)
    return cached


def test_a_second_render_evaluates_nothing_and_is_identical(app: App, evaluated: list[str]) -> None:
    first = show(app)
    assert set(evaluated) == {"model-0", "model-1", "model-2", "reader", "libuser", "plain"}
    assert check(app, evaluated, {"plain"}) == first  # data components are never cached
    assert list(default_dir().glob("*/*"))


Change = Callable[[App], None]


def edit(rel: str, old: str, new: str) -> Change:
    def change(app: App) -> None:
        path = app.root / rel
        path.write_text(path.read_text().replace(old, new))

    return change


@pytest.mark.parametrize(
    ("change", "affected"),
    [
        # reader reads every component's params, so every params change reaches it
        (lambda a: set_param(a.dir, "model-0", "serviceType", "NodePort"), {"model-0", "reader"}),
        (lambda a: set_param(a.dir, "model-1", "modelPath", "/new"), {"model-1", "reader"}),
        # globals reach the components that have params (libuser has none)
        (
            lambda a: set_param(a.dir, None, "serviceType", "NodePort"),
            {"model-0", "model-1", "model-2", "reader"},
        ),
        (edit("lib/util.libsonnet", "one", "two"), {"libuser"}),
        (edit("components/model-2.jsonnet", "'IfNotPresent'", "'Always'"), {"model-2"}),
        (
            edit("app.yaml", "namespace: default", "namespace: other"),
            {"model-0", "model-1", "model-2", "libuser"},
        ),
        (
            edit(
                "environments/default/params.libsonnet",
                "components+: {",
                'components+: { "model-2"+: {version: "v2"},',
            ),
            {"model-2", "reader"},
        ),
    ],
    ids=[
        "own-param",
        "param-read-by-another",
        "global",
        "imported-lib",
        "component-file",
        "namespace",
        "env-override",
    ],
)
def test_a_change_re_renders_exactly_what_can_see_it(
    app: App, evaluated: list[str], change: Change, affected: set[str]
) -> None:
    before = show(app)
    change(app)
    after = check(app, evaluated, affected | {"plain"})
    assert after != before


def test_an_ext_var_a_component_reads_is_part_of_its_key(app: App, evaluated: list[str]) -> None:
    show(app)
    evaluated.clear()
    changed = show(app, ext_strs={"flavour": "mint"})
    assert set(evaluated) == {"libuser", "plain"}
    assert "mint" in changed


def test_components_reading_their_own_params_are_passed_only_those(
    app: App, evaluated: list[str], passed: list[tuple[set[str], set[str]]]
) -> None:
    """The engine parses every params entry it is passed: 30 ms at N=800 for one component."""
    (app.root / "components" / "reader.jsonnet").unlink()
    show(app)
    set_param(app.dir, "model-1", "modelPath", "/new")
    passed.clear()
    assert "/new" in check(app, evaluated, {"model-1", "plain"})  # byte-identical to --no-cache
    cached, uncached = passed  # the data component's params are in its code: it reads none
    assert cached == ({"model-1", "plain"}, {"model-1"})
    assert uncached[1] == {"model-0", "model-1", "model-2"}  # all there are: libuser has none


def test_a_component_reading_others_params_is_passed_them_all(
    app: App, evaluated: list[str], passed: list[tuple[set[str], set[str]]]
) -> None:
    show(app)
    set_param(app.dir, "model-1", "modelPath", "/new")
    passed.clear()
    assert "path: /new" in check(app, evaluated, {"model-1", "reader", "plain"})
    assert passed[0] == ({"model-1", "reader", "plain"}, {"model-0", "model-1", "model-2"})


def test_a_render_reads_each_file_of_a_component_once(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """For its analysis, its cache key and the check that it is text alike (when its facts
    are not remembered: tests/unit/render/test_facts.py)."""
    monkeypatch.setattr(_facts, "SETTLED", 1e9)  # nothing settles
    show(app)
    reads: Counter[str] = Counter()
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        reads[self.name] += 1
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    show(app)
    files = ("model-0.jsonnet", "libuser.jsonnet", "util.libsonnet")
    assert [reads[n] for n in files] == [1, 1, 1]


def test_what_the_analysis_cannot_follow_is_never_cached(app: App, evaluated: list[str]) -> None:
    (app.root / "components" / "dynamic.jsonnet").write_text(
        'local v = "flavour"; {apiVersion: "v1", kind: "ConfigMap", metadata: {name: std.extVar(v)}}'
    )
    show(app)
    assert check(app, evaluated, {"dynamic", "plain"})


def test_an_edited_main_renders_in_one_evaluation(app: App, evaluated: list[str]) -> None:
    main = app.root / "environments" / "default" / "main.jsonnet"
    main.write_text(main.read_text().replace("base + {", "base + {\n  reader+: {},"))
    show(app)
    assert evaluated == []


def test_no_cache_writes_nothing(app: App) -> None:
    show(app, cache=False)
    assert not default_dir().exists()


def test_the_first_failing_component_by_name_is_reported(tmp_path: Path) -> None:
    app = App.init(tmp_path / "app")
    for i in range(20):
        body = f'error "broken {i}"' if i in (7, 13) else "{}"
        (app.root / "components" / f"c{i:02d}.jsonnet").write_text(body)
    with pytest.raises(RenderError, match="broken 7"):
        app.render("default")


def test_the_store_is_safe_under_concurrent_writers_and_stays_bounded(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache", limit=64 * 1024)
    data = {f"{i:064x}": bytes([i % 256]) * 4096 for i in range(40)}

    def writer() -> None:
        for key, value in data.items():
            store.put(key, value)
            assert store.get(key) in (value, None)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.trim()
    files = list((tmp_path / "cache").glob("*/*"))
    kept = sum(f.stat().st_size for f in files)
    assert kept <= 64 * 1024
    # Trimmed to just under 80 % of the bound (one 4 KiB entry more would be over it), not emptied.
    assert 0.8 * 64 * 1024 - 4096 < kept <= 0.8 * 64 * 1024
    assert all(f.read_bytes() == data[f.parent.name + f.name] for f in files)
    assert not list((tmp_path / "cache").glob("*/.tmp-*"))


def test_the_render_cache_trims_only_its_own_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$KFKIT_CACHE_DIR also holds registry mirrors and package links: trimming leaves them alone."""
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(tmp_path / "cache"))
    mirror = tmp_path / "cache" / "registries" / "0123"
    mirror.mkdir(parents=True)
    (mirror / "HEAD").write_text("ref: refs/heads/main\n")
    store = Store(default_dir(), limit=1)
    store.put("ab" * 32, b"x" * 64)
    store.trim()
    assert default_dir() == tmp_path / "cache" / "render"
    assert (mirror / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert not list(default_dir().glob("*/*"))
