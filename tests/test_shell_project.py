"""Files read together: a script and the files it sources (configs, libraries of
wrappers), a CI file and the script its steps source. Each is migrated with the whole
group, so a base defined in one file and used in another follows the one-plan rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator import engine
from migrator.shell.project import sourced


@pytest.mark.parametrize(
    ("line", "tail"),
    [
        pytest.param(b"source ./tdm.conf\n", "tdm.conf", id="relative"),
        pytest.param(b'. "$(dirname "$0")/datamimic.env"\n', "datamimic.env", id="dirname-0"),
        pytest.param(b'source "$TDM_HOME/lib/common.sh"\n', "lib/common.sh", id="home-variable"),
        pytest.param(b'[[ -f $C ]] && source "$C"\nC=${HC_CONF:-./healthcheck.conf}\n', "healthcheck.conf", id="variable-default"),
        pytest.param(b'. "${TDM_ENV:-$(dirname "$0")/tdm.env}"\n', "tdm.env", id="inline-default"),
        pytest.param(b"  source .github/scripts/dm.sh\n", ".github/scripts/dm.sh", id="from-a-ci-step"),
    ],
)
def test_the_file_a_script_sources(line, tail):
    assert sourced(line) == [tail]


def run(folder: Path, settings) -> dict[str, object]:
    results = engine.run(engine.plan([folder]), settings, jobs=1)
    return {str(Path(r.path).relative_to(folder)): r for r in results}


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_base_in_a_sourced_config_moves_when_every_use_migrates(tmp_path, settings):
    write(tmp_path, {
        "tdm.conf": "BASE=${DATAMIMIC_URL:-https://tdm.acme.com}/api/v1/${PROJECT_ID:-p}\n",
        "list.sh": "#!/bin/bash\nsource ./tdm.conf\ncurl -s \"$BASE/files\" | jq -r '.files[].name'\n",
    })
    results = run(tmp_path, settings)
    assert results["tdm.conf"].migrated.decode() == "BASE=${DATAMIMIC_URL:-https://tdm.acme.com}/api/v2/projects/${PROJECT_ID:-p}\n"
    assert '"$BASE/files_uri"' in results["list.sh"].migrated.decode()
    assert [f.rule for f in results["tdm.conf"].findings] == ["DM101"]


def test_a_base_in_a_config_two_scripts_source_stays_when_one_call_cannot_move(tmp_path, settings):
    write(tmp_path, {
        "tdm.conf": "API=https://tdm.acme.com/api/v1/$P\n",
        "a.sh": "#!/bin/bash\n. ./tdm.conf\ncurl -s \"$API/info\" | jq -r .name\n",
        "b.sh": "#!/bin/bash\n. ./tdm.conf\ncurl -s \"$API/task/$T\" | jq .task_count\n",
    })
    results = run(tmp_path, settings)
    assert results["tdm.conf"].outcome.value == "unchanged"
    assert "b.sh" in results["tdm.conf"].findings[0].message
    assert '"${API%/api/v*}/api/v2/projects/$P"' in results["a.sh"].migrated.decode()
    assert results["b.sh"].outcome.value == "unchanged"


def test_a_library_of_wrappers_and_the_scripts_that_call_it(tmp_path, settings):
    write(tmp_path, {
        "lib/dm.sh": (
            "DM_API=$TDM_URL/api/v1/$TDM_PROJECT\n"
            'dm_api() {\n  local method=$1 path=$2\n  shift 2\n  curl -sS -X "$method" "$@" "$DM_API$path"\n}\n'
        ),
        "etc/tdm.env": "TDM_URL=${DATAMIMIC_URL:-https://tdm.acme.com}\n",
        "bin/logs.sh": '#!/bin/bash\nsource "$HOME_DIR/etc/tdm.env"\nsource "$HOME_DIR/lib/dm.sh"\ndm_api GET "/task/$1/log?encode=false"\n',
        "bin/files.sh": "#!/bin/bash\nsource \"$HOME_DIR/lib/dm.sh\"\ndm_api GET /files | jq -r '.files | length'\n",
    })
    results = run(tmp_path, settings)
    assert results["lib/dm.sh"].migrated.decode().startswith("DM_API=$TDM_URL/api/v2/projects/$TDM_PROJECT\n")
    assert 'dm_api GET "/tasks/$1/logs?encode=false"' in results["bin/logs.sh"].migrated.decode()
    assert "dm_api GET /files_uri | jq -r '.current_project_files_uri | length'" in results["bin/files.sh"].migrated.decode()


def test_a_ci_step_sourcing_a_script_of_the_repository(tmp_path, settings):
    write(tmp_path, {
        ".github/scripts/dm.sh": 'DM_URL="${DM_BASE}/${DM_PROJECT}"\n',
        ".github/workflows/sync.yml": (
            "env:\n  DM_BASE: ${{ vars.DATAMIMIC_URL }}/api/v1\njobs:\n  a:\n    steps:\n"
            "      - run: |\n          source .github/scripts/dm.sh\n          curl -s \"$DM_URL/files/$F\" -o \"$F\"\n"
        ),
    })
    results = run(tmp_path, settings)
    workflow = results[".github/workflows/sync.yml"].migrated.decode()
    assert "${{ vars.DATAMIMIC_URL }}/api/v2" in workflow
    assert results[".github/scripts/dm.sh"].migrated.decode() == 'DM_URL="${DM_BASE}/projects/${DM_PROJECT}"\n'
