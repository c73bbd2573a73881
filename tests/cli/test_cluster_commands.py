"""diff/apply/delete without a cluster.

Lazy client import, usage errors, env-to-env diffs, and what only a terminal gets:
confirmation, diff colour, the progress bar.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kfkit import Action, ClusterError, Invalid, ObjectErrors, ObjectFailure, ObjectId, Progress, Stage
from kfkit.cli._progress import PROGRESS_THRESHOLD, Display
from kfkit.cli._report import confirm, print_diff, reporter
from kfkit.deploy import ObjectResult, Side, diff_sides
from tests.cli.support import Kf

_NO_CLIENT = (
    "import sys; from kfkit.cli.main import run; code = run({argv!r}); "
    "assert 'kubernetes' not in sys.modules; sys.exit(code)"
)
"""Exits with the command's code, so a command failing before it got far cannot pass unnoticed."""


@pytest.mark.parametrize(
    "argv", [["--help"], ["show", "default"], ["diff", "local:default", "local:default"]]
)
def test_commands_without_a_cluster_never_import_the_client(seed_app: Path, argv: list[str]) -> None:
    code = _NO_CLIENT.format(argv=["--dir", str(seed_app), *argv])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    if argv[0] == "show":
        assert "kind: Deployment" in result.stdout  # it rendered the model server


def test_an_environment_without_a_server_says_how_to_set_one(app: Path, kf: Kf) -> None:
    result = kf("apply", "default", cwd=app)
    assert result.code == 1
    assert result.err == (
        'error: environment "default" has no server; set one with `kfkit env set default --server URL`\n'
    )


def test_missing_kubeconfig_is_one_line(app: Path, kf: Kf) -> None:
    assert kf("env", "set", "default", "--server", "https://127.0.0.1:6443", cwd=app).code == 0
    result = kf("diff", "default", cwd=app)
    assert result.code == 1
    assert result.err.startswith("error: cannot read kubeconfig")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["diff", "elsewhere:default"],
            "error: 'elsewhere' is not a valid location; use local:<env> or remote:<env>",
        ),
        (
            ["diff", "remote:default"],
            "error: remote:default needs a second location to compare with",
        ),
        (
            ["diff", "local:nope", "local:default"],
            'error: environment "nope" not found in app "kubeflow-app"',
        ),
        (
            ["apply", "default", "--timeout", "soon"],
            "error: invalid duration 'soon'; use e.g. 90s, 5m or 1h",
        ),
    ],
)
def test_usage_errors(app: Path, kf: Kf, args: list[str], message: str) -> None:
    result = kf(*args, cwd=app)
    assert result.code == 2
    assert result.err.startswith(message)


def test_two_local_environments_need_no_cluster(seed_app: Path, kf: Kf) -> None:
    assert kf("env", "add", "prod", "--namespace", "prod", cwd=seed_app).code == 0
    assert kf("diff", "local:default", "local:default", cwd=seed_app).code == 0

    result = kf("diff", "local:prod", "local:default", cwd=seed_app)

    assert result.code == 10
    assert result.out.splitlines()[:2] == [
        "--- local:default/Service/default/inception",
        "+++ local:prod/Service/prod/inception",
    ]
    assert "-      service: inception.default:8000\n+      service: inception.prod:8000\n" in result.out
    assert result.err == "1 changed, 0 new, 1 unchanged\n"  # the Deployment differs in namespace only


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_confirmation_is_asked_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    with pytest.raises(typer.Exit):
        confirm("apply?", skip=False)
    confirm("apply?", skip=True)  # --yes / --dry-run: never asked (stdin is spent: asking would abort)

    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    confirm("apply?", skip=False)

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # CI: no terminal, no question, no hang
    confirm("apply?", skip=False)


_ANSI = r"\x1b\[[0-9;]*m"


def _config_map(level: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings"},
        "data": {"level": level},
    }


def test_diff_is_coloured_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    result = diff_sides(
        Side("local:a", [_config_map("debug")], "a"), Side("local:b", [_config_map("info")], "b")
    )
    plain, terminal = io.StringIO(), _Terminal()
    for stdout in (plain, terminal):
        monkeypatch.setattr(sys, "stdout", stdout)
        print_diff(result)

    assert plain.getvalue() == result.objects[0].unified()
    assert "\x1b[" not in plain.getvalue()
    assert re.sub(_ANSI, "", terminal.getvalue()) == plain.getvalue()
    coloured = {re.sub(_ANSI, "", line): line for line in terminal.getvalue().splitlines()}
    assert coloured["-  level: info"].startswith("\x1b[31m")  # red
    assert coloured["+  level: debug"].startswith("\x1b[32m")  # green
    assert coloured["   name: settings"] == "   name: settings"  # context lines stay plain


@pytest.mark.parametrize(
    ("objects", "stderr", "bar"),
    [
        (PROGRESS_THRESHOLD + 1, _Terminal, True),
        (PROGRESS_THRESHOLD, _Terminal, False),
        (PROGRESS_THRESHOLD + 1, io.StringIO, False),  # piped or in CI: no bar
    ],
)
def test_a_progress_bar_only_for_long_stages_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, objects: int, stderr: type[io.StringIO], bar: bool
) -> None:
    err = stderr()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setenv("TERM", "xterm")  # rich draws nothing on a dumb terminal
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    display = Display(live=err.isatty())

    for done in range(objects + 1):
        display(Progress(Stage.CHECK, done, objects, ObjectId("", "ConfigMap", "ns", f"c{done}", "v1")))

    assert ("checking ConfigMap ns/c" in err.getvalue()) is bar
    assert display._bars is None  # the stage is done: the bar is gone before anything else prints


@pytest.mark.parametrize("stderr", [_Terminal, io.StringIO])
def test_waits_print_each_change_of_state_on_terminals_and_in_logs(
    monkeypatch: pytest.MonkeyPatch, stderr: type[io.StringIO]
) -> None:
    err = stderr()
    monkeypatch.setattr(sys, "stderr", err)
    web = ObjectId("apps", "Deployment", "ns", "web", "v1")
    display = Display(live=err.isatty())

    display(Progress(Stage.WAIT, 0, 1))
    display(Progress(Stage.WAIT, 0, 1, web, "0 of 1 updated replicas available"))
    display(Progress(Stage.WAIT, 1, 1, web))

    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.getvalue()).splitlines()
    assert "waiting for Deployment ns/web: 0 of 1 updated replicas available" in lines
    assert display._bars is None


def test_a_failure_after_some_results_still_sums_them_up(capsys: pytest.CaptureFixture[str]) -> None:
    def apply_two_then_time_out() -> None:
        with reporter(2, "applying") as on_result:
            on_result(ObjectResult(ObjectId("", "ConfigMap", "ns", "a"), Action.CREATE))
            on_result(ObjectResult(ObjectId("apps", "Deployment", "ns", "web"), Action.CONFIGURE))
            raise ClusterError("timed out after 5s waiting for 1 object to be ready: …")

    with pytest.raises(ClusterError):
        apply_two_then_time_out()

    out, err = capsys.readouterr()
    assert out.splitlines() == ["ConfigMap ns/a created", "Deployment ns/web configured"]
    assert err == "1 created, 1 configured; then:\n"


def test_the_json_report_lists_results_and_per_object_failures(capsys: pytest.CaptureFixture[str]) -> None:
    web = ObjectId("apps", "Deployment", "ns", "web", "v1", "web")
    refused = ObjectFailure(web, Invalid("spec.replicas: must be >= 0"))

    def apply_one_then_fail() -> None:
        with reporter(2, "applying", report={"env": "prod"}) as outcome:
            outcome(ObjectResult(ObjectId("", "ConfigMap", "ns", "a", "v1"), Action.CREATE))
            raise ObjectErrors("1 of 2 objects failed while applying workloads", [refused])

    with pytest.raises(ObjectErrors):
        apply_one_then_fail()

    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (report["reportVersion"], report["env"], report["recordedRevision"]) == (1, "prod", None)
    assert [(r["object"], r["done"]) for r in report["results"]] == [("ConfigMap ns/a", "created")]
    assert report["error"] == "1 of 2 objects failed while applying workloads"
    assert report["failures"] == [{**web.to_json(), "error": "spec.replicas: must be >= 0"}]
    assert err == "1 created; then:\n"
