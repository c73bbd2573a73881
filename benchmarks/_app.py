"""Benchmark apps: N tf-serving components, written directly (generate is O(N) per call)."""

from __future__ import annotations

from pathlib import Path

from kfkit import App


def make_app(root: Path, n: int) -> App:
    """``kfkit init`` + one ``generate tf-serving``, then its files copied N times, renamed.

    The params file and components are byte-for-byte what N ``generate`` calls would write.
    """
    app = App.init(root)
    first = "model-0000"
    app.generate("tf-serving", first, {}, {"modelPath": "gs://models/0000"})
    params_file = app.dir.params_file
    text = params_file.read_text()
    start = text.index(f'    "{first}": {{')
    end = text.index("\n    },\n", start) + len("\n    },\n")
    entry = text[start:end]
    entries = "".join(entry.replace("0000", f"{i:04d}") for i in range(n))
    params_file.write_text(text[:start] + entries + text[end:])
    source = (root / "components" / f"{first}.jsonnet").read_text()
    for i in range(1, n):
        (root / "components" / f"model-{i:04d}.jsonnet").write_text(source.replace(first, f"model-{i:04d}"))
    return App.load(root)
