"""Routes of the DATAMIMIC external API we depend on (v1)."""
from enum import Enum


class Endpoints(str, Enum):
    FILES = "/api/v1/{project_id}/files"
    TASK = "/api/v1/{project_id}/task/{task_id}"
    TASK_ARTIFACTS = "/api/v1/{project_id}/task/{task_id}/artifacts"
    GENERATE = "/api/v1/{project_id}/generate"
    SCHEDULE = "/api/v1/{project_id}/generate/advanced"

    def url(self, **params: str) -> str:
        return self.value.format(**params)
