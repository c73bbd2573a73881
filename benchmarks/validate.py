"""What offline validation adds to a render: ratios measured in one run.

Builds an app of N tf-serving components (2 objects each: a Service and a Deployment; every
third with the HTTP proxy, every fifth with GPUs), then times, in-process:

- the render of the whole environment (reference; min of RUNS),
- ``validate_objects`` cold: the first call, which loads the version's definitions and
  builds one validator per kind,
- ``validate_objects`` warm: validators cached (min of RUNS),
- the same with a validator built per object (what caching saves).

Wall time and process CPU time are both printed: on a shared machine the CPU time is
the steadier figure. Usage: ``.venv/bin/python benchmarks/validate.py [N] [RUNS]`` (500, 3).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kfkit import App
from kfkit._types import JsonValue
from kfkit.validate import BuiltinSchemas, ValidateOptions, validate_objects
from kfkit.validate._schemas import _inline


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    results = [timed(fn) for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    options = ValidateOptions()
    with tempfile.TemporaryDirectory() as tmp:
        app = App.init(Path(tmp) / "bench")
        for i in range(n):
            values: dict[str, JsonValue] = {"modelPath": f"gs://models/{i}"}
            if i % 3 == 0:
                values["deployHttpProxy"] = True
            if i % 5 == 0:
                values["numGpus"] = 1
            app.generate("tf-serving", f"model-{i:04d}", {}, values)
        objects = app.render("default")
        timings = {"render, whole env (reference)": best(lambda: app.render("default"), runs)}

    timings["validate, cold (load + build)"] = timed(lambda: validate_objects(objects, options))
    result = validate_objects(objects, options)
    assert result.ok, [str(f) for f in result.errors]
    timings["validate, warm (cached validators)"] = best(lambda: validate_objects(objects, options), runs)

    major, minor = (int(part) for part in result.k8s_version.split("."))
    schemas = BuiltinSchemas.load((major, minor))

    def rebuilt_per_object() -> None:
        from jsonschema import Draft202012Validator

        for obj in objects:
            group, _, version = obj["apiVersion"].rpartition("/")
            name = schemas.kinds()[group, version, obj["kind"]]
            validator = Draft202012Validator(
                _inline(schemas._definitions, name, (name,)), registry=schemas._registry
            )
            list(validator.iter_errors(obj))

    timings["validate, a validator per object"] = timed(rebuilt_per_object)

    ref_wall, ref_cpu = timings["render, whole env (reference)"]
    print(
        f"{n} tf-serving components, {len(objects)} objects, Kubernetes {result.k8s_version}, min of {runs}"
    )
    print(f"  {'':38s} {'wall ms':>9s} {'cpu ms':>9s} {'wall/render':>12s} {'cpu/object':>11s}")
    for name, (wall, cpu) in timings.items():
        print(
            f"  {name:38s} {wall * 1000:9.1f} {cpu * 1000:9.1f} {wall / ref_wall:11.2f}x"
            f" {cpu / len(objects) * 1000:8.3f} ms"
        )
    print(f"  (render cpu/object: {ref_cpu / len(objects) * 1000:.3f} ms)")


if __name__ == "__main__":
    main()
