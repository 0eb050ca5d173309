"""A DATAMIMIC client written with requests: every v1 operation once, in the URL styles people use."""

import os
from urllib.parse import urljoin

import requests

DATAMIMIC_URL = os.environ.get("DATAMIMIC_URL", "https://acme.datamimic.io")
API = DATAMIMIC_URL + "/api/v1"
HEADERS = {"Authorization": f"Bearer {os.environ['DATAMIMIC_TOKEN']}"}


def file_names(project_id):
    response = requests.get(f"{API}/{project_id}/files", headers=HEADERS)
    response.raise_for_status()
    return [entry["name"] for entry in response.json()["files"]]


def file_count(project_id):
    data = requests.get(API + "/" + project_id + "/files", headers=HEADERS).json()
    files = data["files"]
    return len(files)


def first_file(project_id):
    data = requests.get("%s/%s/files" % (API, project_id), headers=HEADERS).json()
    return data.get("files")[0]["name"]


def upload(project_id, path):
    with open(path, "rb") as handle:
        response = requests.post(
            f"{API}/{project_id}/files",
            headers=HEADERS,
            files={"file": handle},
        )
    return response.json()["location"]


def update_model(project_id):
    requests.put(f"{API}/{project_id}/files", headers=HEADERS, files={"file": open("models/datamimic.xml", "rb")})


def read_file(project_id, name):
    return requests.get(urljoin(API + "/", f"{project_id}/files/{name}"), headers=HEADERS).text


def delete_file(project_id, name):
    requests.request("DELETE", f"{API}/{project_id}/files/{name}", headers=HEADERS)


def rename(project_id, old, new):
    requests.put(
        f"{API}/{project_id}/files/rename",
        headers=HEADERS,
        json={"old_name": old, "new_name": new},
    )


def generate(project_id):
    requests.post("{}/{}/generate".format(API, project_id), headers=HEADERS, json={"task_type": "standard"})


def task_status(project_id, task_id):
    task = requests.get(f"{API}/{project_id}/task/{task_id}", headers=HEADERS).json()
    return task["result"][0]["status"]


def task_log(project_id, task_id):
    return requests.get(f"{API}/{project_id}/task/{task_id}/log", headers=HEADERS, params={"limit": 100}).text


def artifacts(project_id, task_id):
    names = []
    for artifact in requests.get(f"{API}/{project_id}/task/{task_id}/artifacts", headers=HEADERS).json():
        names.append(artifact["name"])
    return names


def download_all(project_id, task_id):
    with requests.Session() as session:
        session.headers.update(HEADERS)
        content = session.get(f"{API}/{project_id}/task/{task_id}/artifacts/download").content
    with open("artifacts.zip", "wb") as out:
        out.write(content)


class DatamimicProject:
    def __init__(self, base_url, project_id):
        self.api = base_url.rstrip("/") + "/api/v1/" + project_id
        self.session = requests.Session()

    def info(self):
        return self.session.get(f"{self.api}/info").json()

    def pull(self, branch="main"):
        self.session.put(f"{self.api}/git", params={"branch_name": branch})

    def artifact(self, task_id, name):
        return self.session.get(f"{self.api}/task/{task_id}/artifact/download/{name}").content

    def schedule(self):
        self.session.post(
            f"{self.api}/generate/advanced",
            json={
                "envs": "stage",
                "crontab": "0 0 * * *",
                "queue": "default",
                "infinite": False,
            },
        )
