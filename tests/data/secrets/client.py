"""Planted secrets (tests/test_secrets.py): no value here may reach a report."""
import os

import httpx
import requests

BASE = "https://acme.datamimic.io/api/v1"
api_token = "py-Lm3Nb5Vc7Xz9Aq"
HEADERS = {"Authorization": f"Bearer {api_token}"}
requests.get(f"{BASE}/p1/files", headers=HEADERS)
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Bearer " + "pc-Qa2Ws4Ed6Rf8Bw"})
requests.get(f"{BASE}/p1/info", headers={"Authorization": f"Bearer {'pf-Tg5Yh7Uj9Ik1Ce'}"})
requests.get(f"{BASE}/p1/info", auth=("svc", "pa-Ol2Ik4Uj6Yh8Dr"))
requests.get(f"{BASE}/p1/info", params={"token": "pq-Za1Xs3Cd5Vf7Et"})
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Basic c3ZjOnBiLUdiN0huOUptMUtGRnk="})
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Token pt-Hn8Jm0Kl2Po4Gu"})
secret_key = os.environ.get("SECRET_KEY", "pd-Bv3Nm5Lk7Jh9Hi")
requests.get(f"{BASE}/p1/info", headers={"PRIVATE-TOKEN": "gp-Cx4Vb6Nm8Lk0Io"})
requests.get(f"{BASE}/p1/info", cookies={"sessionid": "pk-Xs2Dc4Fv6Gb8Jp"})
requests.post(f"{BASE}/p1/generate", json={"task_type": "standard", "password": "pj-Mk9Nj7Bh5Vg3Ka"})
requests.get("https://bot:pu-Wd3Fe5Gr7Ht9Ls@acme.datamimic.io/api/v1/p1/info")
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Bearer %s" % "pp-Qw1Er3Ty5Ui7Md"})
requests.get(f"{BASE}/p1/info", auth=requests.auth.HTTPBasicAuth("svc", "ph-Az2Sx4Dc6Fv8Nf"))
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Bearer {}".format("pv-Lk8Jh6Gf4Ds2Og")})
tok = "pl-Yt6Re4Wq2Az0Ph"
requests.get(f"{BASE}/p1/info", headers={"Authorization": "Bearer " + tok})
client = httpx.Client(headers={"X-Api-Key": "px-Pl9Ok7Ij5Uh3Oj"})
client.get(f"{BASE}/p1/info")
