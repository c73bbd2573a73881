"""Bad input: one-line errors naming the file, component or object; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.support import Kf


def _snapshot(app: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(app)): p.read_bytes()
        for p in sorted(app.rglob("*"))
        if p.is_file() and p.name != ".kfkit.lock"
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("show", "nope"), 2, 'environment "nope" not found in app "kubeflow-app"; known: default'),
        (
            ("show", "default", "-c", "model-srv"),
            2,
            'component "model-srv" not found in app "kubeflow-app"; known: model-server',
        ),
        (("show", "default", "-o", "toml"), 2, "unknown output format 'toml'"),
        (("show", "default", "-V", "novalue"), 2, "--ext-str expects key=value"),
        (("generate", "tf-serving", "model-server"), 2, 'component "model-server" already exists'),
        (("generate", "no-such-proto", "x"), 2, "no prototype matches 'no-such-proto'"),
        (("generate", "tf-serving", "x", "--bogus", "1"), 2, "has no param --bogus"),
        (
            ("generate", "tf-serving", "x", "--numGpus", "many"),
            2,
            "--numGpus: 'many' is not a number",
        ),
        (
            ("generate", "single-port-service", "x"),
            2,
            "needs --targetLabelSelector=<targetLabelSelector>",
        ),
        (
            ("generate", "single-port-service", "x", "--targetLabelSelector", "[1]"),
            2,
            "is not a Jsonnet object",
        ),
        (("generate", "tf-serving", "bad name!"), 2, "invalid component name 'bad name!'"),
        (("component", "rm", "nope"), 2, 'component "nope" not found'),
        (
            ("prototype", "describe", "tf-serv"),
            2,
            "no prototype matches 'tf-serv'; partial matches: io.ksonnet.pkg.tf-serving, io.ksonnet.pkg.tf-serving-client",
        ),
        (
            ("prototype", "describe", "service"),
            2,
            "ambiguous prototype 'service': io.ksonnet.pkg.deployed-service, io.ksonnet.pkg.single-port-service",
        ),
    ],
)
def test_one_line_errors_and_nothing_written(
    seed_app: Path, kf: Kf, args: tuple[str, ...], code: int, message: str
) -> None:
    before = _snapshot(seed_app)
    result = kf(*args, cwd=seed_app)
    assert result.code == code
    assert message in result.err
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert _snapshot(seed_app) == before


def test_malformed_jsonnet_names_file_and_line(seed_app: Path, kf: Kf) -> None:
    path = seed_app / "components/model-server.jsonnet"
    lines = path.read_text().splitlines()
    lines.insert(3, "local oops = ;")
    path.write_text("\n".join(lines) + "\n")
    result = kf("show", "default", cwd=seed_app)
    assert result.code == 1
    assert result.err.startswith("error: components/model-server.jsonnet:4:")
    assert result.err.count("\n") == 1


def test_runtime_error_names_file_and_line_and_debug_shows_the_stack(seed_app: Path, kf: Kf) -> None:
    assert kf("param", "delete", "model-server", "modelPath", cwd=seed_app).code == 0
    assert kf("param", "set", "model-server", "modelPath", "null", cwd=seed_app).code == 0
    result = kf("show", "default", cwd=seed_app)
    assert result.code == 1
    assert "components/model-server.jsonnet:" in result.err and "modelPath" in result.err
    debug = kf("--debug", "show", "default", cwd=seed_app)
    assert "Traceback" in debug.err and "RUNTIME ERROR" in debug.err


def test_missing_env_directory_is_reported(seed_app: Path, kf: Kf) -> None:
    (seed_app / "environments/default/main.jsonnet").unlink()
    result = kf("show", "default", cwd=seed_app)
    assert result.code == 1
    assert "environments/default/main.jsonnet" in result.err
