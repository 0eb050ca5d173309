from pathlib import Path

import requests


class DatamimicError(RuntimeError):
    def __init__(self, status, detail):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class DatamimicClient:
    """Thin wrapper around the DATAMIMIC external API (v1)."""

    def __init__(self, settings):
        self._base = "{}/api/v1/{}".format(settings.url, settings.project_id)
        self._session = requests.Session()
        self._session.headers["Authorization"] = "Bearer {}".format(settings.token)
        self._session.headers["accept"] = "application/json"

    def _check(self, resp):
        if resp.status_code >= 400:
            try:
                detail = resp.json().get("detail", resp.text)
            except ValueError:
                detail = resp.text
            raise DatamimicError(resp.status_code, detail)
        return resp.json()

    def project_info(self):
        return self._check(self._session.get("{}/info".format(self._base), timeout=30))

    def list_files(self):
        body = self._check(self._session.get("{}/files".format(self._base), timeout=30))
        return body.get("files", [])

    def create_file(self, path: Path):
        with open(path, "rb") as fh:
            resp = self._session.post("{}/files".format(self._base),
                                      files={"file": (path.name, fh)}, timeout=60)
        return self._check(resp)

    def update_file(self, path: Path):
        with open(path, "rb") as fh:
            resp = self._session.put("{}/files".format(self._base),
                                     files={"file": (path.name, fh)}, timeout=60)
        return self._check(resp)

    def schedule_generation(self, crontab, envs, queue, infinite=False):
        payload = {"envs": envs, "crontab": crontab, "queue": queue, "infinite": infinite}
        resp = self._session.post("{}/generate/advanced".format(self._base), json=payload, timeout=30)
        return self._check(resp)
