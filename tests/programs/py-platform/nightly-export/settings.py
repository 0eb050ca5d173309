"""Shared settings for the nightly export jobs (nightly.py, export_*.py).

Values come from the cron box's environment (/etc/tdm-export.env); the
defaults are what production uses.
"""
import os
from pathlib import Path

TDM_URL = os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com")
TDM_TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")
TDM_PROJECT = os.environ.get("PROJECT_ID", "reporting-nightly")

# the generation task the scheduler kicked off for tonight
TASK_ID = os.environ.get("TASK_ID", "")

EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", "exports"))
HTTP_TIMEOUT = 120.0
FINISHED_STATES = ("SUCCESS",)
