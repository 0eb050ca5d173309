"""Called by the integration env's bootstrap: generate data now, schedule it nightly, record what we got."""
import json
import sys

import httpx

from tdm.service import TestDataService


def main() -> int:
    svc = TestDataService()
    try:
        descriptors = svc.descriptor_names()
        print("descriptors:", ", ".join(descriptors) or "(none)")
        if not descriptors:
            return 1
        task_id = svc.generate(count=250)
        task = svc.task(task_id)
        print(f"generation {task_id}: {task['status']}")
        arts = svc.artifacts(task_id)
        job = svc.schedule_nightly()
        print(f"nightly job: {job}")
    except httpx.HTTPStatusError as exc:
        print(f"DATAMIMIC said {exc.response.status_code} for {exc.request.url.path}", file=sys.stderr)
        return 1
    finally:
        svc.close()
    with open("integration-data.json", "w") as fh:
        json.dump({"task": task_id, "status": task["status"], "artifacts": [a["name"] for a in arts], "nightly_job": job}, fh, indent=2)
    print(f"{len(arts)} artifacts recorded")
    return 0 if task["status"] == "SUCCESS" else 1


if __name__ == "__main__":
    sys.exit(main())
