# Sourced by scripts/test and scripts/demo: make .venv with kfkit and its dev tools installed.
if [ ! -x .venv/bin/kfkit ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "setting up .venv (Python packages from PyPI)…" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip >&2
  .venv/bin/pip install --quiet -e ".[dev]" >&2
  touch .venv/.installed
fi
