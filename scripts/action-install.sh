#!/usr/bin/env bash
# Install datamimic-migrate from the action's own checkout (the tag a workflow names) into a
# virtual environment of its own, so the job's Python and packages stay as they are.
set -euo pipefail
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/datamimic-migrate"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?the folder of the action}"
echo "executable=$venv/bin/datamimic-migrate" >> "${GITHUB_OUTPUT:-/dev/null}"
