import csv
import io

import pytest


def test_seed_files_are_listed(dm, seeded_project):
    listing = dm.get("/files").json()
    names = {f["name"] for f in listing.get("files", [])}
    missing = set(seeded_project) - names
    assert not missing, f"not in project: {sorted(missing)}"


@pytest.mark.parametrize("name", ["orders.csv", "products.csv"])
def test_seed_content_roundtrip(dm, seeded_project, seed_files, name):
    local = next(p for p in seed_files if p.name == name).read_text()
    resp = dm.get(f"/files/{name}")
    assert resp.status_code == 200
    assert resp.text == local


def test_generation_succeeds(dm, generation):
    body = dm.get(f"/task/{generation}").json()
    assert body["task_count"] == 1
    task = body["result"][0]
    assert task["status"] == "SUCCESS"
    assert task["datamimic_status"] == "SUCCESS"


def test_expected_artifacts(dm, generation):
    artifacts = dm.get(f"/task/{generation}/artifacts").json()
    names = sorted(a["name"] for a in artifacts)
    assert "customers.json" in names
    assert all(a.get("size", 0) > 0 for a in artifacts)


def test_report_has_rows(dm, generation):
    resp = dm.get(f"/task/{generation}/artifact/download/report.csv")
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert len(rows) >= 1
    assert "id" in rows[0]
