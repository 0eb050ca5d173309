from __future__ import annotations


class ApiError(RuntimeError):
    """Non-2xx answer from DATAMIMIC."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:200]}")
        self.status = status


class TaskNotFinished(RuntimeError):
    """The task is still queued/running (or failed) when we wanted its output."""
