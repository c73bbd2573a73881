"""How much kfkit adds to a render, and what `-c` saves: ratios measured in one run.

Builds an app of N tf-serving components, then times (min of R runs, in-process):

- reference: go-jsonnet alone evaluating an equivalent single file (params inlined as JSON),
- one go-jsonnet evaluation per component, as ksonnet rendered,
- ``App.render(env)``: the whole environment through kfkit (params evaluation + one main evaluation,
  extraction, labels, ordering),
- ``App.render(env, components=[one])``: one component of N,
- YAML serialization of the whole render.

Usage: ``.venv/bin/python benchmarks/render.py [N] [RUNS]`` (defaults 100 and 5).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _gojsonnet

from kfkit import App
from kfkit.manifests import to_yaml


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        app = App.init(Path(tmp) / "bench")
        for i in range(n):
            app.generate("tf-serving", f"model-{i:04d}", {"modelPath": f"gs://models/{i}"})
        params: dict[str, object] = {}
        raw = _gojsonnet.evaluate_file(str(app.dir.params_file), ext_codes={"__ksonnet/environments": "{}"})
        params["components"] = json.loads(raw)["components"]
        env = json.dumps({"server": "", "namespace": "default"})
        reference_code = "{\n" + "".join(
            f'  "{c.name}": import "{c.path}",\n' for c in app.dir.components()
        ) + "}\n"

        def reference() -> object:
            return json.loads(
                _gojsonnet.evaluate_snippet(
                    "reference", reference_code,
                    ext_codes={"__ksonnet/environments": env, "__ksonnet/params": json.dumps(params)},
                )
            )

        def per_component() -> object:
            """ksonnet's way: one evaluation per component (each re-reading every param)."""
            return [
                _gojsonnet.evaluate_file(
                    str(c.path),
                    ext_codes={"__ksonnet/environments": env, "__ksonnet/params": json.dumps(params)},
                )
                for c in app.dir.components()
            ]

        objects = app.render("default")
        timings = {
            "go-jsonnet alone (reference)": best(reference, runs),
            "one evaluation per component": best(per_component, runs),
            "kfkit render, whole env": best(lambda: app.render("default"), runs),
            "kfkit render, -c one component": best(lambda: app.render("default", components=["model-0000"]), runs),
            "YAML output of the whole env": best(lambda: to_yaml(objects), runs),
        }
    ref = timings["go-jsonnet alone (reference)"]
    print(f"{n} tf-serving components, {len(objects)} objects, min of {runs} runs")
    for name, seconds in timings.items():
        print(f"  {name:34s} {seconds * 1000:9.1f} ms   {seconds / ref:5.2f}x reference")


if __name__ == "__main__":
    main()
