"""GitHub Actions steps as the runner runs them: ``${{ env.X }}`` in a run step is the value
of the env variable X, and a ``shell: python`` step reads the same environment."""

from __future__ import annotations

from conftest import check_transformed, run

WORKFLOW = """env:
  DM_API: ${{ vars.DATAMIMIC_URL }}/api/v1
jobs:
  j:
    steps:
      - run: curl -fsS "${{ env.DM_API }}/p/info" -o info.json
"""


def test_env_expressions_in_run_steps_are_the_env_variable(settings):
    source = WORKFLOW + '      - run: curl -fsS "${{ env.DM_API }}/p/task/$T/log?encode=false" -o log.txt\n'
    check_transformed(
        source,
        source.replace("/api/v1", "/api/v2")
        .replace("}}/p/info", "}}/projects/p")
        .replace("}}/p/task/$T/log?", "}}/projects/p/tasks/$T/logs?"),
        settings,
        "ci",
    )


PYTHON_STEP = WORKFLOW + """      - shell: python
        run: |
          import os, urllib.request
          urllib.request.urlopen(f"{os.environ['DM_API']}/p/task/t/log?encode=false").read()
"""


def test_a_python_step_reading_the_base_keeps_it_and_is_reported_on_its_line(settings):
    check_transformed(
        PYTHON_STEP,
        PYTHON_STEP.replace('"${{ env.DM_API }}/p/info"', '"${DM_API%/api/v*}/api/v2/projects/p"'),
        settings,
        "ci",
    )


def test_the_held_base_names_the_python_step(settings):
    result = run(PYTHON_STEP, settings, "ci")
    by_line = {f.line: f for f in result.findings}
    assert by_line[10].rule == "DM108" and by_line[10].status.value == "review"
    assert "the value of $DM_API in this file's env" in by_line[10].message
    assert by_line[2].rule == "DM003" and "the call on line 10 " in by_line[2].message


def test_a_python_step_that_does_not_read_the_base_lets_it_move(settings):
    source = WORKFLOW + "      - shell: python\n        run: |\n          import os\n          print(os.environ['HOME'])\n"
    check_transformed(source, source.replace("/api/v1", "/api/v2").replace("}}/p/info", "}}/projects/p"), settings, "ci")
