"""Store the task's log next to its artifacts."""
from __future__ import annotations

from tdm_client import ApiClient

import settings


def export_log(api: ApiClient, task_id: str) -> int:
    text = api.tasks.log(task_id)
    target = settings.EXPORT_ROOT / task_id / "task.log"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return len(text.splitlines())
