"""descriptor-tool: pull, patch and push DATAMIMIC descriptors from the QA team's laptops.

    python descriptor_tool.py pull datamimic.xml
    python descriptor_tool.py bump-count datamimic.xml 500
"""
import os
import re
import sys
from string import Template

import click
import requests

# URL patterns, kept in one place so the ops folks can read them
ROUTES = {
    "files": Template("${host}/api/v1/${project}/files"),
    "file": Template("${host}/api/v1/${project}/files/${name}"),
    "log": Template("${host}/api/v1/${project}/task/${task}/log"),
}


class Ctx:
    def __init__(self, host, project, token):
        self.vars = {"host": host.rstrip("/"), "project": project}
        self.auth = {"Authorization": "Bearer %s" % token}

    def url(self, route, **kw):
        return ROUTES[route].substitute(self.vars, **kw)


@click.group()
@click.option("--host", envvar="DATAMIMIC_URL", required=True)
@click.option("--project", envvar="PROJECT_ID", required=True)
@click.option("--token", envvar="DATAMIMIC_TOKEN", required=True)
@click.pass_context
def cli(ctx, host, project, token):
    ctx.obj = Ctx(host, project, token)


@cli.command()
@click.argument("name")
@click.pass_obj
def pull(c, name):
    """Download NAME from the project into the current folder."""
    listing = requests.get(c.url("files"), headers=c.auth, timeout=30)
    if listing.status_code != 200:
        raise click.ClickException("cannot list files: HTTP %d" % listing.status_code)
    known = {f["name"]: f["extension"] for f in listing.json()["files"]}
    if name not in known:
        raise click.ClickException("%s is not in the project (have: %s)" % (name, ", ".join(sorted(known))))
    r = requests.get(c.url("file", name=name), headers=c.auth, timeout=30)
    r.raise_for_status()
    with open(os.path.basename(name), "wb") as fh:
        fh.write(r.content)
    click.echo("pulled %s (%s, %d bytes)" % (name, known[name], len(r.content)))


@cli.command("bump-count")
@click.argument("name")
@click.argument("count", type=int)
@click.pass_obj
def bump_count(c, name, count):
    """Set count="N" on every <generate> of descriptor NAME and push it back."""
    r = requests.get(c.url("file", name=name), headers=c.auth, timeout=30)
    if r.status_code == 404:
        raise click.ClickException("no such descriptor: %s" % name)
    r.raise_for_status()
    text = r.text
    if "<generate" not in text:
        text = text.replace("</setup>", '  <generate name="bulk" count="0"/>\n</setup>')
    patched, n = re.subn(r'count="\d+"', 'count="%d"' % count, text)
    with open(name + ".patched", "w") as fh:
        fh.write(patched)
    resp = requests.put(
        c.url("files"),
        headers=c.auth,
        files={"file": (name, patched.encode(), "application/xml")},
        timeout=60,
    )
    if not resp.ok:
        raise click.ClickException("push failed: %s" % resp.text)
    click.echo("%s: %d count(s) set to %d -> %s" % (name, n, count, resp.json().get("message")))


@cli.command()
@click.argument("task")
@click.pass_obj
def log(c, task):
    """Print the log of TASK (plain text)."""
    r = requests.get(c.url("log", task=task), headers=c.auth, timeout=30)
    r.raise_for_status()
    with open("task-%s.log" % task, "w") as fh:
        fh.write(r.text)
    for line in r.text.splitlines():
        click.echo("| " + line)


if __name__ == "__main__":
    cli()
