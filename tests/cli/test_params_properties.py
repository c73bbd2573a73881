"""Property tests: whatever key and value, `param set` then `list` then `show` give exactly the value,
and the edit stays inside the component's block; concurrent `param set` processes lose nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfkit.cli.main import run

ECHO = (
    'local params = std.extVar("__ksonnet/params").components.echo;\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "echo"}, data: {params: std.manifestJsonEx(params, "")}}\n'
)
TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=20,
) | st.sampled_from(['"', "'", "//", "/*", "*/", "|||", "\n", "\\", "#", "${x}", "a\nb\n", "é☃𝄞"])
SCALARS = (
    TEXT
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
SEGMENT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=".\x00"),
    min_size=1,
    max_size=12,
)
KEYS = st.lists(SEGMENT, min_size=1, max_size=3)

PARAMS = """\
{
  // globals stay untouched
  global: {},
  components: {
    before: { keep: "me" },  // a neighbour
    echo: {
      existing: 1,
    },
    /* trailing block comment */
  },
}
"""


def _app() -> Path:
    root = Path(tempfile.mkdtemp()) / "app"
    assert run(["init", str(root)]) == 0
    (root / "components/echo.jsonnet").write_text(ECHO)
    (root / "components/before.jsonnet").write_text("[]\n")
    return root


def _kf(root: Path, *args: str) -> int:
    return run(["--dir", str(root), *args])


def _cli_text(value: object) -> tuple[list[str], str]:
    """How a user types the value: strings with --as-string, the rest as JSON."""
    if isinstance(value, str):
        return ["--as-string"], value
    return [], json.dumps(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=KEYS, value=VALUES, env=st.booleans())
def test_set_list_show_round_trip(
    keys: list[str], value: object, env: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _app()
    params_file = root / "components/params.libsonnet"
    params_file.write_text(PARAMS)
    key = ".".join(keys)
    flags, text = _cli_text(value)
    env_flags = ["--env", "default"] if env else []
    edited = root / ("environments/default/params.libsonnet" if env else "components/params.libsonnet")
    before = edited.read_text()
    capsys.readouterr()

    assert _kf(root, "param", "set", *flags, *env_flags, "--", "echo", key, text) == 0, (
        capsys.readouterr().err
    )

    after = edited.read_text()
    if not env:
        # Everything before the echo block and after it is byte-identical.
        assert after.startswith(PARAMS[: PARAMS.index("echo: {")])
        assert after.endswith(PARAMS[PARAMS.index("\n    },\n    /* trailing") :])
    else:
        assert after.startswith(before[: before.index("    // Component params")])
        assert after.endswith(before[before.index("\n  },\n};") :])

    capsys.readouterr()
    assert _kf(root, "param", "list", "echo", *env_flags, "-o", "json") == 0
    rows = {r["param"]: r["value"] for r in json.loads(capsys.readouterr().out)["data"]}
    assert _dig(rows[keys[0]], keys[1:]) == _as_doubles(value)

    assert _kf(root, "show", "default", "-c", "echo", "-o", "json") == 0
    shown = json.loads(json.loads(capsys.readouterr().out)["items"][0]["data"]["params"])
    assert _dig(shown, keys) == _as_doubles(value)
    assert shown["existing"] == 1


def _dig(value: object, keys: list[str]) -> object:
    for key in keys:
        assert isinstance(value, dict)
        value = value[key]
    return _as_doubles(value)


def _as_doubles(value: object) -> object:
    """Jsonnet numbers are doubles: 3.96e16 comes back as the integer 39622959489490580."""
    return json.loads(json.dumps(value), parse_int=float)


def test_concurrent_param_sets_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "app"
    assert run(["init", str(root)]) == 0
    (root / "components/echo.jsonnet").write_text(ECHO)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kfkit",
                "--dir",
                str(root),
                "param",
                "set",
                "echo",
                f"key{i}",
                str(i),
            ]
            + (["--env", "default"] if i % 2 else []),
            env=env,
            stderr=subprocess.PIPE,
        )
        for i in range(8)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    shown = {}
    for env_flags in ([], ["--env", "default"]):
        rows = json.loads(_capture(root, "param", "list", "echo", *env_flags, "-o", "json"))["data"]
        shown.update({r["param"]: r["value"] for r in rows})
    assert {f"key{i}": i for i in range(8)}.items() <= shown.items()


def _capture(root: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "kfkit", "--dir", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    return out.stdout
