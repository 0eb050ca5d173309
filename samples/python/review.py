"""Calls and reads the migrator reports instead of rewriting."""

import json
import urllib.request

import requests

DM = "https://acme.datamimic.io/api/v1"


def task_count(project_id, task_id):
    return requests.get(f"{DM}/{project_id}/task/{task_id}").json()["task_count"]


def raw_files(project_id):
    return requests.get(f"{DM}/{project_id}/files").json()


def parsed_by_hand(project_id):
    response = requests.get(f"{DM}/{project_id}/files")
    return json.loads(response.text)["files"]


def with_urllib(project_id):
    with urllib.request.urlopen(f"{DM}/{project_id}/files") as response:
        return json.load(response)["files"]


def task_id_of_generate(project_id):
    return requests.post(f"{DM}/{project_id}/generate", json={"task_type": "standard"}).json()["task_id"]


def method_at_run_time(method, project_id):
    return requests.request(method, f"{DM}/{project_id}/files")


def unmapped(project_id):
    return requests.get(f"{DM}/{project_id}/file/read/data.csv")


def body_in_a_variable(project_id, body):
    requests.put(f"{DM}/{project_id}/files/rename", json=body)


def ignored(project_id):
    return requests.get(f"{DM}/{project_id}/info")  # datamimic-migrate: ignore
