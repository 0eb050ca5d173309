"""Review reports: JSON (own schema), SARIF (official schema), Markdown, HTML in a
real headless browser, GitHub annotations. Secrets: tests/test_secrets.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, ROOT, SAMPLES

def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=environment, capture_output=True, text=True)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    shutil.copytree(SAMPLES, folder, dirs_exist_ok=True)
    return folder


def report(samples: Path, name: str, *extra: str) -> str:
    result = cli("--check", "--report", name, *extra, ".", cwd=samples)
    assert result.returncode == 1, result.stderr
    return (samples / name).read_text()


SARIF_SCHEMA = DATA / "schemas" / "sarif-schema-2.1.0.json"
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def sarif_schema() -> dict:
    """OASIS's schema as published (see tests/data/schemas/NOTICE.md): the digest says it is unmodified."""
    import hashlib

    data = SARIF_SCHEMA.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SARIF_SCHEMA_SHA256
    return json.loads(data)


def test_json_report_follows_its_schema(samples):
    data = json.loads(report(samples, "report.json"))
    schema = json.loads((ROOT / "migrator" / "report" / "report-schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["summary"]["migrated"] > 10
    assert {f["status"] for file in data["files"] for f in file["findings"]} >= {"fixable", "review", "unmapped", "possible"}


def test_sarif_report_is_valid_sarif_2_1_0(samples):
    data = json.loads(report(samples, "report.sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(data)
    results = data["runs"][0]["results"]
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert {r["level"] for r in results} == {"note", "warning"}


def test_markdown_report(samples, snapshot):
    assert report(samples, "report.md") == snapshot


def test_report_format_option_beats_the_extension(samples):
    assert report(samples, "report.txt", "--report-format", "json").startswith("{")


def test_unknown_report_extension_is_a_usage_error(samples):
    result = cli("--report", "report.txt", ".", cwd=samples)
    assert result.returncode == 2
    assert "--report" in result.stderr


def test_github_annotations(tmp_path):
    (tmp_path / "a.sh").write_text("curl -s https://acme.datamimic.io/api/v1/p/task/t | jq .task_count\n")
    result = cli("--check", "--output-format", "github", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=a.sh,line=1,col=1,title=DM107 review::Task metadata: cannot rewrite safely: its response"
        " is read on line 1 in a way that cannot be migrated, so it stays on v1",
        "::warning file=a.sh,line=1,col=53,title=DM107 review::Task metadata response: '.task_count': v2 has no"
        " task_count: the metadata endpoint answers the one task asked for",
    ]


def test_github_annotations_escape_what_github_reads(table):
    from migrator.findings import FileResult, Finding, Outcome, Status
    from migrator.report import data, render

    finding = Finding("DM100", Status.UNMAPPED, 3, 2, "100% wrong\nsecond line")
    result = FileResult("dir,with:odd.sh", Outcome.UNCHANGED, (finding,))
    text = render.github_annotations(data.build([result], table, written=False))
    assert text == "::warning file=dir%2Cwith%3Aodd.sh,line=3,col=2,title=DM100 unmapped::100%25 wrong%0Asecond line\n"


def _chrome():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    missing = [name for name, found in (("chromium", browser), ("chromedriver", driver)) if not found]
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and chromium-driver")
        pytest.skip(f"the HTML report is tested in a headless browser: {' and '.join(missing)} not on PATH "
                    "(Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1800"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


def test_html_report_in_a_real_browser(samples, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    report(samples, "report.html")
    data = json.loads(report(samples, "report.json"))
    total = sum(len(file["findings"]) for file in data["files"])
    browser = _chrome()
    try:
        browser.get((samples / "report.html").as_uri())
        assert browser.title == "datamimic-migrate report"

        def shown() -> int:
            rows = browser.find_elements(By.CSS_SELECTOR, ".finding[data-rule]")
            count = sum(1 for row in rows if row.is_displayed())
            assert browser.find_element(By.ID, "shown-count").text == str(count)
            return count

        assert shown() == total
        Select(browser.find_element(By.ID, "filter-status")).select_by_value("review")
        reviews = sum(1 for file in data["files"] for f in file["findings"] if f["status"] == "review")
        assert shown() == reviews
        Select(browser.find_element(By.ID, "filter-rule")).select_by_value("DM101")
        both = sum(1 for file in data["files"] for f in file["findings"] if (f["status"], f["rule"]) == ("review", "DM101"))
        assert 0 < shown() == both < reviews
        Select(browser.find_element(By.ID, "filter-status")).select_by_value("")
        Select(browser.find_element(By.ID, "filter-rule")).select_by_value("")
        Select(browser.find_element(By.ID, "filter-file")).select_by_value("shell/workflow.sh")
        assert shown() == sum(len(file["findings"]) for file in data["files"] if file["path"] == "shell/workflow.sh")
        screenshot = tmp_path / "report.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 10_000
    finally:
        browser.quit()


REVIEW_AND_FIX = (
    "curl -s https://acme.datamimic.io/api/v1/p/task/t | jq .task_count\n"
    'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
)


@pytest.mark.parametrize("chosen", ["json", "sarif", "gitlab"])
def test_machine_formats_print_to_standard_output_and_nothing_else(chosen, tmp_path):
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    result = cli("--check", "--output-format", chosen, ".", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)  # the whole of standard output is the document
    if chosen == "sarif":
        jsonschema.Draft4Validator(sarif_schema()).validate(data)
    elif chosen == "json":
        jsonschema.validate(data, json.loads((ROOT / "migrator" / "report" / "report-schema.json").read_text()))
    assert "1 file scanned" in result.stderr


def test_gitlab_code_quality_issues(tmp_path):
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    issues = json.loads(cli("--check", "--output-format", "gitlab", ".", cwd=tmp_path).stdout)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("DM107", "major", {"path": "a.sh", "lines": {"begin": 1}}),
        ("DM107", "major", {"path": "a.sh", "lines": {"begin": 1}}),
        ("DM112", "minor", {"path": "a.sh", "lines": {"begin": 2}}),
    ]
    assert all(i["type"] == "issue" and i["description"].startswith(i["check_name"]) for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 3
    # A line added above moves the findings, not their identity.
    (tmp_path / "a.sh").write_text("set -e\n" + REVIEW_AND_FIX)
    moved = json.loads(cli("--check", "--output-format", "gitlab", ".", cwd=tmp_path).stdout)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert moved[2]["location"]["lines"]["begin"] == 3


@pytest.mark.parametrize("args", [["--report", "-", "--report-format", "md"], ["--report-format", "md"]])
def test_a_report_to_standard_output_moves_the_findings_to_standard_error(args, tmp_path):
    """--report - is standard output; so is --report-format without --report, as ruff's
    --output-format without --output-file."""
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    result = cli("--check", *args, ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("## datamimic-migrate report\n")
    assert "a.sh:2:1: DM112 [fixable]" in result.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--report", "-"], "Invalid value for --report: give --report-format for standard output"),
        (["--output-format", "json", "--report", "-", "--report-format", "md"], "--output-format json and --report - both write to standard output"),
        (["--diff", "--output-format", "sarif"], "--output-format sarif and --diff both write to standard output"),
        (["--report", "a.json", "--report", "b.md", "--report-format", "md"], "--report-format names the format of one --report"),
        (["--statistics", "--output-format", "sarif"], "--statistics prints text or JSON"),
    ],
)
def test_outputs_that_cannot_be_written_are_refused_before_any_file_is_touched(args, message, tmp_path):
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    result = cli(*args, ".", cwd=tmp_path)
    assert result.returncode == 2
    assert f"Error: {message}" in result.stderr
    assert "Usage: datamimic-migrate [OPTIONS] [PATHS]..." in result.stderr
    assert (tmp_path / "a.sh").read_text() == REVIEW_AND_FIX


def test_several_reports_from_one_run(tmp_path):
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    result = cli("--check", "--report", "r.md", "--report", "r.sarif", "--report", "r.json", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "r.md").read_text().startswith("## datamimic-migrate report")
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["review"] == 2


def _apply_sarif_fixes(original: str, results: list[dict], uri: str) -> str:
    """Every replacement the SARIF fixes make in one file, each once, from the end backwards."""
    lines = original.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = set()
    for result in results:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                if change["artifactLocation"]["uri"] != uri:
                    continue
                for replacement in change["replacements"]:
                    region = replacement["deletedRegion"]
                    start = starts[region["startLine"] - 1] + region["startColumn"] - 1
                    end = starts[region["endLine"] - 1] + region["endColumn"] - 1
                    edits.add((start, end, replacement["insertedContent"]["text"]))
    text = original
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fixes_make_the_migration_and_every_rule_has_a_help_uri(samples, tmp_path):
    """A SARIF viewer that applies the fixes gets the file the migrator writes."""
    from migrator import docs

    data = json.loads(report(samples, "fixes.sarif"))
    run = data["runs"][0]
    assert all(rule["helpUri"] == docs.url_for(rule["id"], rule["name"]) for rule in run["tool"]["driver"]["rules"])
    written = tmp_path / "written"
    shutil.copytree(SAMPLES, written)
    cli(".", cwd=written)
    fixed = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] if r.get("fixes")}
    assert len(fixed) > 10
    for uri in sorted(fixed):
        original = (SAMPLES / uri).read_text()
        assert _apply_sarif_fixes(original, run["results"], uri) == (written / uri).read_text(), uri


HOSTILE_SCRIPT = (
    "# ``` <img src=x onerror=\"document.title='pwned'\"> <project_id>\n"
    "curl -s -X PUT https://acme.datamimic.io/api/v1/p1/files/rename "
    "-d '{\"old_name\": \"<img src=x onerror=alert(1)>\", \"new_name\": \"```b.csv\"}'\n"
    "curl -s https://acme.datamimic.io/api/v1/p1/task/t | jq '.task_count, \"<script>alert(2)</script>\"'\n"
)


def test_markdown_report_shows_hostile_text_as_text(tmp_path):
    """GitHub renders a report's Markdown as HTML: nothing from a scanned file may become a tag,
    and no backtick run may close a code block early."""
    from markdown_it import MarkdownIt

    (tmp_path / "a.sh").write_text(HOSTILE_SCRIPT)
    cli("--check", "--report", "r.md", ".", cwd=tmp_path)
    html = MarkdownIt("commonmark", {"html": True}).render((tmp_path / "r.md").read_text())
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "File '&lt;old&gt;' renamed successfully to '&lt;new&gt;'" in html  # DM106's note, as in the rule table


BROWSER_HOSTILE = (
    "# <img src=x onerror=\"window.pwned = 'comment'\"> <project_id>\n"
    "curl -s -X PUT https://acme.datamimic.io/api/v1/p1/files/rename "
    "-d '{\"old_name\": \"<img src=x onerror=window.pwned=1>\", \"new_name\": \"</pre><script>window.pwned=2</script>\"}'\n"
    'curl -s "https://acme.datamimic.io/api/v1/p1/files" | jq -r \'.files[].name, "<svg onload=window.pwned=3>"\'\n'
)


def test_html_report_shows_hostile_input_as_text_in_a_real_browser(tmp_path):
    from selenium.webdriver.common.by import By

    (tmp_path / "a.sh").write_text(BROWSER_HOSTILE)
    cli("--check", "--report", "r.html", ".", cwd=tmp_path)
    browser = _chrome()
    try:
        browser.get((tmp_path / "r.html").as_uri())
        assert browser.execute_script("return window.pwned === undefined")
        assert not browser.find_elements(By.CSS_SELECTOR, "img, svg, iframe, script:not(:last-of-type)")
        text = browser.find_element(By.TAG_NAME, "body").text
        assert '"old_name": "<img src=x onerror=window.pwned=1>"' in text
        assert "</pre><script>window.pwned=2</script>" in text
        notes = " ".join(e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "details[id^=rule-] p"))
        assert 'a list of "<project_id>/<path>" strings' in notes  # DM101's note, as the table writes it
        assert "File '<old>' renamed successfully to '<new>'" in notes  # DM106's
    finally:
        browser.quit()


def test_html_report_policy_forbids_inline_handlers_and_remote_loads_in_a_real_browser(tmp_path):
    """Were anything to get through the escaping, the page's Content-Security-Policy stops it:
    an injected handler, an injected script and a load from a server never run, while the
    page's own filter script still does."""
    import http.server
    import threading

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "a.sh").write_text(REVIEW_AND_FIX)
    cli("--check", "--report", "r.html", ".", cwd=tmp_path)
    page = (tmp_path / "r.html").read_text()
    remote = f"http://127.0.0.1:{server.server_port}"
    injected = (
        f'<img src="{remote}/img" onerror="window.pwned=1"><script>window.pwned=2</script>'
        f'<script src="{remote}/script.js"></script><link rel="stylesheet" href="{remote}/style.css">'
        '<div id="handler" onclick="window.pwned=3">x</div>'
    )
    (tmp_path / "injected.html").write_text(page.replace("<h1>", injected + "<h1>", 1))
    browser = _chrome()
    try:
        browser.get((tmp_path / "injected.html").as_uri())
        browser.find_element(By.ID, "handler").click()
        assert browser.execute_script("return window.pwned === undefined")
        assert hits == []
        Select(browser.find_element(By.ID, "filter-status")).select_by_value("review")
        assert browser.find_element(By.ID, "shown-count").text == "2"
    finally:
        browser.quit()
        server.shutdown()


def test_html_report_puts_what_needs_a_person_first_and_marks_changed_words(tmp_path):
    (tmp_path / "a.sh").write_text('curl -s "https://acme.datamimic.io/api/v1/$P/info"\n')
    (tmp_path / "b.sh").write_text(REVIEW_AND_FIX)
    cli("--check", "--report", "r.html", ".", cwd=tmp_path)
    page = (tmp_path / "r.html").read_text()
    assert page.index('data-file="b.sh"') < page.index('data-file="a.sh"')  # b.sh has review items
    section = page[page.index('<section class="file" data-file="b.sh"'):]
    assert section.index('data-status="review"') < section.index('data-status="fixable"')
    # v1 -> v2 and the dropped /info are marked inside the line, and the code is coloured.
    import re

    marked = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<mark>(.*?)</mark>", page)]
    assert {"v1", "/info", "v2/projects"} <= set(marked)
    assert '<span class="nv">$P</span>' in page
    assert 'href="https://github.com/your-org/datamimic-migrate/blob/main/docs/rules.md#dm112-project-info"' in page


def test_every_template_is_escaped(table):
    from migrator.findings import FileResult, Finding, Outcome, Status
    from migrator.report import data, render

    finding = Finding("DM100", Status.UNMAPPED, 1, 1, "<b>bold</b> & <i>", before="<img src=x>")
    report = data.build([FileResult("<x>.sh", Outcome.UNCHANGED, (finding,))], table, written=False)
    html = render.to_html(report, table)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in html
    assert "<img src=x>" not in html and "&lt;x&gt;.sh" in html
    markdown = render.to_markdown(report, table)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in markdown and "<img" not in markdown.replace("  ```sh\n  <img src=x>", "")


def test_a_very_large_html_report_marks_changed_words_without_colours(table):
    """Colouring costs about 0.1 ms a line: past render.COLOURED_LINES a page is written uncoloured."""
    from migrator.findings import FileResult, Finding, Outcome, Status
    from migrator.report import data, render

    lines = render.COLOURED_LINES // 2 + 1
    before = "".join(f"curl $BASE/api/v1/p/info{i}\n" for i in range(lines))
    finding = Finding("DM112", Status.MIGRATED, 1, 1, "m", before=before, after=before.replace("v1", "v2"))
    page = render.to_html(data.build([FileResult("a.sh", Outcome.UNCHANGED, (finding,))], table, written=False), table)
    assert page.count("<mark>v2</mark>") == lines  # and each v1, and the rule example's
    assert '<span class="nv">' not in page
