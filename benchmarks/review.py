"""What a review report and a history revision cost, against the render they describe.

Builds an app of N tf-serving components and an environment ``prod`` overriding the image
of every other one, then times (min of R runs, in-process):

- ``App.render("prod")`` (reference),
- ``App.review("prod", against="local:default")``: both renders, the diff, params, the report data,
- ``Report.to_html()`` and ``Report.to_markdown()``,
- encoding one history revision of the whole render (JSON, gzip, base64), and its sizes.

Usage: ``.venv/bin/python benchmarks/review.py [N] [RUNS]`` (defaults 100 and 3).
"""

from __future__ import annotations

import base64
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _app import make_app

from kfkit import App, Revision


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "app"
        make_app(root, n)
        App.load(root).dir.add_env("prod", server="https://prod.example.com", namespace="prod")
        params = root / "environments" / "prod" / "params.libsonnet"
        overrides = "".join(f'"model-{i:04d}"+: {{ modelServerImage: "serving:2" }},' for i in range(0, n, 2))
        params.write_text(params.read_text().replace("components+: {", "components+: {" + overrides, 1))
        app = App.load(root)

        render = best(lambda: app.render("prod"), runs)
        report = app.review("prod", against="local:default")
        review = best(lambda: app.review("prod", against="local:default"), runs)
        html = best(report.to_html, runs)
        markdown = best(report.to_markdown, runs)
        objects = app.render("prod")
        revision = Revision(0, "app", "prod", "apply", "t", "u@h", "0", "kfkit apply prod", objects=objects)
        encode = best(revision.encode, runs)
        raw = len(json.dumps(revision.to_json()).encode())
        packed = len(base64.b64decode(revision.encode()))

    print(f"N={n} components ({len(objects)} objects), min of {runs}")
    print(f"{'path':58} {'ms':>8} {'x render':>9}")
    for name, seconds in (
        ('App.render("prod") (reference)', render),
        ('App.review("prod", against="local:default")', review),
        ("Report.to_html()", html),
        ("Report.to_markdown()", markdown),
        ("history revision: JSON + gzip + base64", encode),
    ):
        print(f"{name:58} {seconds * 1000:8.0f} {seconds / render:9.2f}")
    print(f"HTML {len(report.to_html()) / 1e6:.2f} MB, Markdown {len(report.to_markdown()) / 1e3:.0f} kB")
    print(f"revision: {raw / 1e3:.0f} kB JSON, {packed / 1e3:.0f} kB compressed (a Secret holds 1 MB)")


if __name__ == "__main__":
    main()
