"""Constants shared by the TDM DAG, its hook and the local runner.

In the scheduler these come from the deployment's env; locally from your shell.
"""
import os

TDM_API_ROOT = os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com") + "/api/v1/"
TDM_TOKEN = os.getenv("DATAMIMIC_TOKEN", "")
TDM_PROJECT = os.getenv("PROJECT_ID", "warehouse-seed")

GENERATION_PROPERTIES = {"count": 10_000, "region": "EU"}
POLL_SECONDS = 0.25
POLL_MAX = 4
STAGING_DIR = "staging"
