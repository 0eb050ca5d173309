"""Other services whose URLs look like DATAMIMIC v1: none may change."""

import requests

STORAGE = "https://storage.example.com/api/v1"


def objects(bucket):
    return [o["name"] for o in requests.get(f"{STORAGE}/{bucket}/files").json()["files"]]


def ci_task(job, run):
    return requests.get(f"https://ci.example.com/api/v1/{job}/task/{run}").json()["result"][0]["status"]


def datamin(project):
    return requests.get(f"https://api.datamin.io/v1/{project}/files").json()


def ingestion():
    requests.post("https://etl.example.org/api/ingestion/file/sync/start")


def gateway():
    return requests.get("https://gateway.example.com/api/1/rest/public/apim/apis").json()


settings = {"files": [{"name": "x"}]}
print(settings.get("files"))
