from .client import DatamimicClient, DatamimicError
from .prefect_lite import flow, task
from .settings import Settings


@task(retries=2, retry_delay_seconds=0.1)
def check_project(client):
    info = client.project_info()
    print(f"project {info['identifier']} ({info.get('name')}, type={info.get('type')})")
    return info


@task
def remote_inventory(client):
    return sorted(f["name"] for f in client.list_files())


@task(retries=1, retry_delay_seconds=0.1)
def upsert_seed(client, path):
    """Create the file; if it is already there (409), overwrite it instead."""
    try:
        client.create_file(path)
        return "created"
    except DatamimicError as err:
        if err.status != 409:
            raise
    client.update_file(path)
    return "updated"


@task
def register_schedule(client, settings):
    job = client.schedule_generation(settings.schedule, settings.envs, settings.queue)
    return job.get("job_id")


@flow(name="publish-seeds")
def publish_seeds(settings=None):
    settings = settings or Settings.load()
    client = DatamimicClient(settings)

    check_project(client)
    before = remote_inventory(client)
    print(f"remote files before: {len(before)}")

    outcome = {}
    for path in sorted(settings.seed_dir.glob("*.csv")):
        outcome[path.name] = upsert_seed(client, path)
        print(f"  {path.name:<16} {outcome[path.name]}")

    after = remote_inventory(client)
    new = sorted(set(after) - set(before))
    print(f"remote files after: {len(after)} (new: {', '.join(new) or '-'})")

    job_id = register_schedule(client, settings)
    print(f"generation scheduled: job {job_id} cron='{settings.schedule}' queue={settings.queue}")
    return {"files": outcome, "job_id": job_id}
