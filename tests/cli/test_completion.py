"""Shell completion: commands, flags, and env/component/prototype/param names from the app on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kfkit.cli._complete import candidates
from kfkit.cli._help import teach
from kfkit.cli._tree import whole
from kfkit.cli.main import BRANCHES, app
from tests.cli.support import Kf

ROOT = teach(typer.main.get_command(whole(app, BRANCHES)))


@pytest.fixture
def sample(seed_app: Path, kf: Kf) -> Path:
    assert kf("env", "add", "prod", cwd=seed_app).code == 0
    return seed_app


def complete(app: Path, *words: str) -> list[str]:
    return candidates(ROOT, ["--dir", str(app), *words])


def test_commands_and_subcommands(sample: Path) -> None:
    assert {"show", "apply", "env", "param", "completion"} <= set(complete(sample, ""))
    assert complete(sample, "pa") == ["param"]
    assert set(complete(sample, "env", "")) >= {"add", "list", "rm", "set", "current", "describe"}


def test_flags(sample: Path) -> None:
    flags = complete(sample, "apply", "--")
    assert {"--dry-run", "--prune", "--wait", "--component", "--help", "--dir", "--color"} <= set(flags)
    assert complete(sample, "show", "--out") == ["--output"]
    assert complete(sample, "show", "-o", "") == ["yaml", "json", "name"]
    assert complete(sample, "env", "list", "-o", "") == ["table", "json", "yaml"]
    assert complete(sample, "apply", "--output", "j") == ["json"]  # text or json


def test_environment_names(sample: Path) -> None:
    assert complete(sample, "show", "") == ["default", "prod"]
    assert complete(sample, "apply", "p") == ["prod"]
    assert complete(sample, "param", "set", "--env", "") == ["default", "prod"]
    assert complete(sample, "env", "rm", "") == ["default", "prod"]
    assert "local:prod" in complete(sample, "diff", "")
    assert complete(sample, "show", "prod", "") == []  # one ENV only


def test_component_names(sample: Path) -> None:
    assert complete(sample, "show", "default", "-c", "") == ["model-server"]
    assert complete(sample, "component", "rm", "") == ["model-server"]
    assert complete(sample, "param", "set", "") == ["model-server"]


@pytest.fixture
def modular(sample: Path, kf: Kf) -> Path:
    """``sample`` plus component ``db.redis``, an empty module ``db.cache``; prod renders / and db."""
    for args in (
        ("generate", "configMap", "db.redis"),
        ("module", "create", "db.cache"),
        ("env", "targets", "prod", "--module", "/", "--module", "db"),
    ):
        result = kf(*args, cwd=sample)
        assert result.code == 0, result.err
    return sample


def test_module_names_wherever_a_module_is_an_argument(modular: Path) -> None:
    modules = ["/", "db", "db.cache"]
    assert complete(modular, "generate", "configMap", "x", "--module", "") == modules
    assert complete(modular, "prototype", "use", "configMap", "x", "--module", "db") == ["db", "db.cache"]
    assert complete(modular, "import", "-f", "a.yaml", "--module", "") == modules
    assert complete(modular, "component", "list", "--module", "db.") == ["db.cache"]
    assert complete(modular, "param", "list", "--env", "prod", "--module", "") == modules
    assert complete(modular, "env", "targets", "prod", "--module", "/", "--module", "") == modules
    assert complete(modular, "env", "targets", "p") == ["prod"]
    assert complete(modular, "module", "list", "--env", "") == ["default", "prod"]


def test_qualified_component_names(modular: Path) -> None:
    assert complete(modular, "component", "rm", "") == ["db.redis", "model-server"]
    assert complete(modular, "param", "list", "d") == ["db.redis"]
    assert complete(modular, "param", "set", "db.redis", "") == ["data", "name"]
    assert complete(modular, "param", "delete", "db.redis", "n") == ["name"]
    # After an environment, only the components it renders: default targets the root module alone.
    assert complete(modular, "show", "prod", "-c", "") == ["db.redis", "model-server"]
    assert complete(modular, "apply", "default", "-c", "") == ["model-server"]
    assert complete(modular, "diff", "local:default", "remote:prod", "--component", "db") == ["db.redis"]
    assert complete(modular, "show", "-c", "") == ["db.redis", "model-server"]  # no env named: all


def test_a_new_components_name_is_not_offered_the_taken_ones(modular: Path) -> None:
    assert complete(modular, "generate", "configMap", "") == []
    assert complete(modular, "prototype", "use", "configMap", "") == []


def test_prototype_names(sample: Path) -> None:
    assert {"tf-serving", "tf-serving-client"} <= set(complete(sample, "generate", "tf"))
    assert "io.ksonnet.pkg.tf-serving" in complete(sample, "generate", "io.ksonnet.pkg.tf")
    assert "tf-serving" in complete(sample, "prototype", "describe", "")


def test_param_keys(sample: Path) -> None:
    keys = complete(sample, "param", "set", "model-server", "model")
    assert {"modelPath", "modelServerImage", "modelName"} <= set(keys)


def test_outside_an_app_names_are_empty_not_errors(tmp_path: Path) -> None:
    assert candidates(ROOT, ["--dir", str(tmp_path), "show", ""]) == []
    assert "tf-serving" in candidates(ROOT, ["--dir", str(tmp_path), "generate", ""])


def test_the_scripts(kf: Kf) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = kf("completion", shell)
        assert result.code == 0 and "kfkit __complete" in result.out
    assert kf("completion", "tcsh").code == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_through_the_real_script(sample: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = (
        "source <(kfkit completion bash)\n"
        f'COMP_WORDS=(kfkit --dir "{sample}" param set model-server modelS); COMP_CWORD=6\n'
        '_kfkit; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["modelServerImage", "modelStorageType"]
