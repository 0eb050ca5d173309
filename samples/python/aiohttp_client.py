"""aiohttp sessions."""

import aiohttp

DATAMIMIC = "https://acme.datamimic.io"


async def logs(project_id, task_id):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{DATAMIMIC}/api/v1/{project_id}/task/{task_id}/log") as response:
            return await response.text()


async def names(project_id):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{DATAMIMIC}/api/v1/{project_id}/files") as response:
            data = await response.json()
    return [item["name"] for item in data["files"]]
