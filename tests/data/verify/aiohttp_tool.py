"""An aiohttp client run as a script: verify sends its requests to the emulator, as it does
those of requests, httpx and urllib."""

import asyncio
import os

import aiohttp

DATAMIMIC = "https://acme.datamimic.io"
PROJECT = os.environ.get("PROJECT_ID", "demo-project")
TASK = os.environ.get("TASK_ID", "")
TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")


async def main():
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{DATAMIMIC}/api/v1/{PROJECT}/task/{TASK}/log") as response:
            log = await response.text()
        async with session.get(f"{DATAMIMIC}/api/v1/{PROJECT}/files/datamimic.xml") as response:
            size = len(await response.read())
        async with session.delete(f"{DATAMIMIC}/api/v1/{PROJECT}/files/customers.csv") as response:
            deleted = response.status
    print(len(log.splitlines()), size, deleted)


if __name__ == "__main__":
    asyncio.run(main())
