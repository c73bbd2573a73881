"""Time and memory to generate ksonnet-lib per Kubernetes version, and to import it.

    .venv/bin/python benchmarks/ksonnetlib.py [VERSION …]    (default: v1.7.0 v1.16.0 v1.34.10)

Each version runs in a fresh process (peak RSS is per process): load the shipped spec,
generate k8s.libsonnet + k.libsonnet, then one go-jsonnet evaluation that imports k.libsonnet
and builds a Service and a Deployment with constructors and mixins. Prints min of 3 runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from kfkit.evaluator import Evaluation, evaluate_snippet
from kfkit.ksonnetlib import shipped_spec, write_ksonnet_lib
version, out = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
spec = shipped_spec(version)
t1 = time.perf_counter()
write_ksonnet_lib(out, spec, version)
t2 = time.perf_counter()
gen_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
code = '''local k = import 'k.libsonnet';
local c = k.core.v1.container.new('web', 'nginx');
[k.core.v1.service.new('web', {app: 'web'}, k.core.v1.servicePort.new(80, 8080)),
 k.apps.v1.deployment.new('web', 2, [c]) + k.apps.v1.deployment.mixin.spec.withReplicas(3)]'''
if int(version.split('.')[1]) < 9:  # apps/v1 arrived in 1.9
    code = code.replace('apps.v1.', 'apps.v1beta1.')
evaluate_snippet('bench.jsonnet', code, Evaluation(jpath=[out]))
t3 = time.perf_counter()
print(json.dumps({
    "load_s": t1 - t0, "generate_s": t2 - t1, "evaluate_s": t3 - t2,
    "k8s_libsonnet_bytes": (out / "k8s.libsonnet").stat().st_size,
    "generate_peak_rss_mb": gen_rss / 1024,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def measure(version: str) -> dict[str, float]:
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, version, str(Path(tmp) / version)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            runs.append(json.loads(out))
    return {key: min(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    versions = sys.argv[1:] or ["v1.7.0", "v1.16.0", "v1.34.10"]
    print(
        "| version | load spec s | generate s | k8s.libsonnet KB | peak RSS generating MB "
        "| import + render s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for version in versions:
        m = measure(version)
        print(
            f"| {version} | {m['load_s']:.3f} | {m['generate_s']:.3f} "
            f"| {m['k8s_libsonnet_bytes'] / 1024:.0f} | {m['generate_peak_rss_mb']:.0f} "
            f"| {m['evaluate_s']:.2f} | {m['peak_rss_mb']:.0f} |"
        )
    print(f"(load average at the end: {Path('/proc/loadavg').read_text().split()[0]})")


if __name__ == "__main__":
    main()
