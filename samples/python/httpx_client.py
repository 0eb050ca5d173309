"""httpx with a base_url: the calls give paths relative to it."""

import asyncio

import httpx

DATAMIMIC_BASE = "https://acme.datamimic.io/api/v1"


def list_files(project_id: str) -> list[str]:
    with httpx.Client(base_url=DATAMIMIC_BASE, timeout=30) as client:
        files = client.get(f"/{project_id}/files").json()["files"]
        return [f["name"] for f in files]


async def wait_for(project_id: str, task_id: str) -> str:
    async with httpx.AsyncClient(base_url=DATAMIMIC_BASE) as client:
        while True:
            response = await client.get(f"/{project_id}/task/{task_id}")
            status = response.json()["result"][0]["status"]
            if status in ("SUCCESS", "FAILURE"):
                return status
            await asyncio.sleep(5)


def artifact_count(project_id: str, task_id: str) -> int:
    response = httpx.get(f"{DATAMIMIC_BASE}/{project_id}/task/{task_id}/artifacts")
    return len(response.json())
