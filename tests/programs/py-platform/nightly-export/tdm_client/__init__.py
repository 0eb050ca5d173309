"""Internal DATAMIMIC client (tasks subset), vendored from platform/tdm-client@1.1.0."""
from .client import ApiClient, TaskResource
from .errors import ApiError, TaskNotFinished

__all__ = ["ApiClient", "ApiError", "TaskNotFinished", "TaskResource"]
