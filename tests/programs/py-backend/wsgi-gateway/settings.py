import os

from pydantic import BaseModel, Field


class DatamimicSettings(BaseModel):
    url: str = Field(default="https://datamimic.corp.example")
    token: str
    project: str
    timeout: float = 15.0


class Settings(BaseModel):
    datamimic: DatamimicSettings
    allowed_tasks: list[str] = []


def load() -> Settings:
    return Settings(
        datamimic=DatamimicSettings(
            url=os.environ.get("DATAMIMIC_URL", "https://datamimic.corp.example"),
            token=os.environ["DATAMIMIC_TOKEN"],
            project=os.environ["PROJECT_ID"],
        ),
        allowed_tasks=[t for t in os.environ.get("ALLOWED_TASKS", os.environ.get("TASK_ID", "")).split(",") if t],
    )
