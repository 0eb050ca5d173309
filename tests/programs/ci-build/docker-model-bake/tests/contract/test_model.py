import os
from pathlib import Path

MODEL = Path(os.environ.get("TDM_MODEL_DIR", "tdm-model"))


def test_descriptor_baked():
    assert (MODEL / "datamimic.xml").read_text().lstrip().startswith("<setup")


def test_checksums_present():
    lines = (MODEL / "MODEL.sha256").read_text().splitlines()
    assert any(line.endswith("datamimic.xml") for line in lines)
