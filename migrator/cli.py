"""The command line. Nothing else in the package knows about argv.

Heavy modules (the rule table, tree-sitter) are imported inside the commands, so
that ``--help`` and a pre-commit run on one file start fast.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from migrator.config import Settings
    from migrator.findings import FileResult

EXIT_CLEAN, EXIT_PENDING, EXIT_ERROR = 0, 1, 2
# Stopped by Ctrl-C: 128 + SIGINT, as a shell reports it (SIGTERM: 143, SIGHUP: 129).
EXIT_INTERRUPTED = 130
# Show a progress bar only for runs long enough to want one.
PROGRESS_MIN_FILES = 500


class _DefaultGroup(click.Group):
    """``datamimic-migrate PATHS`` means ``datamimic-migrate migrate PATHS``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["migrate", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="datamimic-migrate")
def main() -> None:
    """Migrate DATAMIMIC External API v1 calls to v2.

    \b
    datamimic-migrate [OPTIONS] [PATHS]...   rewrite v1 calls in place (default: .)
    datamimic-migrate --diff [PATHS]...      show the rewrite, change nothing
    datamimic-migrate rules                  list the rule table
    datamimic-migrate explain DM101          explain one rule
    datamimic-migrate verify SCRIPT...       prove a migration against a local emulator

    Run `datamimic-migrate migrate --help` for every option.
    """


class _Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the run is, so that it stops as Ctrl-C does: cleaned up."""

    def __init__(self, number: int) -> None:
        self.number = number


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Ctrl-C exits 130, SIGTERM 143 and SIGHUP 129 (128 + the signal, as a shell says),
    after every temporary file and worker is gone (the code they interrupt cleans up on
    the way out)."""

    def terminated(number: int, frame: object) -> None:
        raise _Terminated(number)

    stopping = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {number: signal.signal(number, terminated) for number in stopping}
    try:
        yield
    except KeyboardInterrupt:
        click.echo("\ndatamimic-migrate: interrupted; files already written stay written, no file is half written.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except _Terminated as stop:
        click.echo(f"datamimic-migrate: stopped by {signal.Signals(stop.number).name}; no file is half written.", err=True)
        sys.exit(128 + stop.number)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", is_flag=True, help="Print a unified diff of the rewrite and write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything is left to migrate.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply unsafe fixes: a file name taken at run time, a shared variable changed.")
@click.option("--select", "select", multiple=True, metavar="ID", help="Only these rule ids (or prefixes); repeatable.")
@click.option("--ignore", "ignore", multiple=True, metavar="ID", help="Skip these rule ids (or prefixes); repeatable.")
@click.option(
    "--instance",
    "instances",
    multiple=True,
    metavar="URL",
    help="A DATAMIMIC base URL (https://tdm.example.com): calls to it are DATAMIMIC calls.",
)
@click.option("--assume-datamimic", is_flag=True, default=None, help="Treat every v1-shaped call as a DATAMIMIC call.")
@click.option(
    "--annotate", is_flag=True, default=None, help="Insert a `# TODO(datamimic-v2): ...` comment above each call that needs a person."
)
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per core; at most one per core).")
@click.option("--force-readonly", is_flag=True, help="Also rewrite read-only files (by default they are reported and left).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read [tool.datamimic-migrate] from this file, not the nearest pyproject.toml.",
)
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use another rule table file.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a review report: .md, .html, .json or .sarif (by extension).",
)
@click.option("--report-format", type=click.Choice(["md", "html", "json", "sarif"]), help="The report's format, whatever its extension.")
@click.option(
    "--output-format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="How findings are printed; github prints workflow annotations that mark the lines in a pull request.",
)
@_stopped_by_signals()
def migrate(
    paths: tuple[Path, ...],
    diff: bool,
    check: bool,
    rules_file: Path | None,
    config_file: Path | None,
    jobs: int,
    force_readonly: bool,
    quiet: bool,
    report_path: Path | None,
    report_format: str | None,
    output_format: str,
    **options: Any,
) -> None:
    """Rewrite DATAMIMIC v1 calls in PATHS (files or folders; default: .).

    Folders are walked honouring .gitignore. Shell scripts and Python files are
    chosen by extension (.sh, .bash, .zsh, .ksh, .py, .pyw) or by their #! line.

    A call is rewritten only when it is a DATAMIMIC call: its host, a variable it
    is built from or the enclosing function mentions DATAMIMIC, or its host is a
    configured instance. Calls that cannot be rewritten safely are reported with
    their rule id and left as they are. Put `# datamimic-migrate: ignore` (or
    `ignore[DM105]`) on a call's line or the line before to leave it alone.

    \b
    Exit status: 0    nothing left to migrate
                 1    files were (or would be) changed, or calls need review
                 2    an error: a bad rule table, configuration or option, a
                      path that does not exist, a file that could not be read,
                      parsed or written (it is left untouched; the run goes on)
                 130  interrupted (Ctrl-C); 143, 129: stopped by SIGTERM, SIGHUP

    Settings can also live in pyproject.toml under [tool.datamimic-migrate]:
    instances, select, ignore, assume-datamimic, unsafe-fixes, annotate,
    max-file-size.
    """
    from migrator import engine, files

    groups = _settings_per_path(paths or (Path("."),), rules_file, config_file, options)
    if report_path is not None:
        from migrator.report.render import format_for

        report_format = format_for(report_path, report_format)
        if report_format is None:
            raise click.BadParameter("use .md, .html, .json or .sarif, or --report-format", param_hint="--report")
        _check_output(report_path, "--report")
    cores = engine.cores()
    if jobs > cores:
        click.echo(f"datamimic-migrate: --jobs {jobs} lowered to {cores}, the cores this process may use.", err=True)
    plans = []
    listings: list[files.Listing] = []
    for settings, group in groups:
        todo = engine.plan(group, listings)
        if report_path is not None:
            todo = _without_report(todo, report_path)
        plans.append((settings, todo))
    total = sum(len(todo) for _, todo in plans)
    err = click.get_text_stream("stderr")
    results: list[FileResult] = []
    for settings, todo in plans:
        if total >= PROGRESS_MIN_FILES and err.isatty() and not quiet:
            with click.progressbar(length=len(todo), label="Migrating", file=err) as bar:
                results.extend(engine.run(todo, settings, jobs, bar.update))
        else:
            results.extend(engine.run(todo, settings, jobs))
    results.extend(_special_files(listings))
    results.sort(key=lambda r: r.path)

    write = not (diff or check)
    if diff:
        _print_diff(results)
    if write:
        results = engine.write(results, force_readonly)
        _remove_stale_temporaries(listings, err)
    settings = groups[0][0]  # every group has the same rule table
    report_failed = False
    if report_path is not None or output_format == "github":
        from migrator.report import data, render

        report = data.build(results, settings.table, write)
        if report_path is not None:
            text = render.WRITERS[report_format](report, settings.table)
            try:
                # errors=: a byte that is not UTF-8 in a message shows as \udce9 rather than stop the run.
                report_path.write_text(text, encoding="utf-8", errors="backslashreplace")
            except OSError as exc:
                click.echo(f"error: --report {files.display(str(report_path))}: {exc.strerror or exc}", err=True)
                report_failed = True
        if output_format == "github":
            click.echo(render.github_annotations(report), nl=False)
    if not quiet and output_format == "text":
        _print_findings(results, err if diff else click.get_text_stream("stdout"), write)
    click.echo(_summary(results, write), err=True)
    sys.exit(EXIT_ERROR if report_failed else _exit_code(results))


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _check_output(path: Path, option: str) -> None:
    """An output that cannot be written stops the run before any file is touched.
    Opening it for appending is the one test that does not lie (root, read-only mounts)."""
    from migrator.files import display

    shown = display(str(path))
    if path.is_dir():
        _fail(f"{option} {shown}: is a folder")
    if not path.parent.is_dir():
        _fail(f"{option} {shown}: the folder {display(str(path.parent))} does not exist")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        _fail(f"{option} {shown}: cannot be written: {exc.strerror or exc}")
    if not existed:
        path.unlink()


def _without_report(todo: list[tuple[Path, bool]], report: Path) -> list[tuple[Path, bool]]:
    """The planned files less the report, which is written, not migrated. A report over a
    file the run would migrate (a script, a Markdown file that is not a report of ours)
    is refused."""
    import os

    from migrator.engine import REPORT_MARK
    from migrator.files import display, kind_of

    try:
        target = os.stat(report)
        with open(report, "rb") as stream:
            head = stream.read(256)
    except OSError:
        return todo
    kept = [(path, named) for path, named in todo if not _same_file(path, target)]
    if len(kept) < len(todo) and kind_of(report, head) is not None and not head.startswith(REPORT_MARK):
        _fail(f"--report {display(str(report))}: is a file this run migrates, not a report; choose another path")
    return kept


def _same_file(path: Path, target: Any) -> bool:
    import os

    try:
        return os.path.samestat(os.stat(path), target)
    except OSError:
        return False


def _special_files(listings: list[Any]) -> list[FileResult]:
    from migrator.findings import FileResult, Outcome

    return [
        FileResult(str(path), Outcome.SKIPPED, reason=f"{what}, not a regular file: not read")
        for listing in listings
        for path, what in listing.special
    ]


def _remove_stale_temporaries(listings: list[Any], err: Any) -> None:
    """Temporary files a killed run left (its process is gone) are removed by the next run
    that writes; they are never read."""
    from migrator.files import display, stale

    for listing in listings:
        for temporary in listing.temporaries:
            if stale(temporary):
                try:
                    temporary.unlink()
                except OSError:
                    continue
                click.echo(f"datamimic-migrate: removed {display(str(temporary))}, left by a run that was killed.", err=True)


def _print_diff(results: list[FileResult]) -> None:
    """The unified diff, raw so that ``git apply`` takes it (reports are the masked,
    shareable form); coloured on a terminal."""
    import os

    from migrator.report.diff import unified_diff

    out = sys.stdout.buffer
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    for result in results:
        if result.outcome != "changed":
            continue
        text = unified_diff(result)
        if colour:
            text = "".join(_colour(line) for line in text.splitlines(keepends=True))
        out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()


def _colour(line: str) -> str:
    if line.startswith(("+++", "---")):
        return click.style(line, bold=True)
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    return line


def _settings(
    rules_file: Path | None, options: dict[str, Any], eager: bool = False, config_file: Path | None = None, start: Path | None = None
) -> Settings:
    """Settings from the options over the configuration (``config_file``, or the nearest
    pyproject.toml with a [tool.datamimic-migrate] table above ``start``). A table given
    with --rules is checked at once; the shipped one (tested) is loaded only when a file
    needs it, or when rule ids given must be checked against it."""
    from migrator.config import ConfigError, Settings, find_pyproject, read_pyproject

    rules = None
    try:
        if rules_file or eager:
            from migrator import ruletable

            try:
                rules = ruletable.load(rules_file.resolve() if rules_file else None)
            except ruletable.RuleTableError as exc:
                raise ConfigError(str(exc)) from exc
        source = config_file or find_pyproject(start or Path("."))
        config = read_pyproject(source)
    except ConfigError as exc:
        _fail(str(exc))

    def pick(key: str, default: Any) -> Any:
        value = options.get(key.replace("-", "_"))
        if value not in (None, ()):
            return value
        return config.get(key, default)

    settings = Settings(
        rules=rules,
        instances=tuple(options["instances"]) + tuple(config.get("instances", ())),
        assume_datamimic=bool(pick("assume-datamimic", False)),
        select=frozenset(rule.upper() for rule in pick("select", ())),
        ignore=frozenset(rule.upper() for rule in pick("ignore", ())),
        unsafe_fixes=bool(pick("unsafe-fixes", False)),
        annotate=bool(pick("annotate", False)),
        max_file_size=int(config.get("max-file-size", Settings.max_file_size)),
    )
    for key in ("select", "ignore"):
        given = pick(key, ())
        if given:
            where = f"--{key}" if options.get(key) else f"{source}: [tool.datamimic-migrate] {key}"
            _check_rule_ids(settings, given, where)
    return settings


def _check_rule_ids(settings: Settings, given: Any, where: str) -> None:
    """Every id given must name a rule, or be the prefix of one (ids are read in any case)."""
    known = settings.table.ids
    unknown = [rule for rule in given if not any(i.startswith(rule.upper()) for i in known)]
    if unknown:
        _fail(f"{where}: no rule {', '.join(repr(u) for u in unknown)}; `datamimic-migrate rules` lists them")


def _settings_per_path(
    paths: tuple[Path, ...], rules_file: Path | None, config_file: Path | None, options: dict[str, Any]
) -> list[tuple[Settings, list[Path]]]:
    """The paths grouped by the configuration that applies to them, each with its settings."""
    from migrator.config import ConfigError, find_pyproject

    groups: dict[Path | None, list[Path]] = {}
    for path in paths:
        try:
            source = config_file or find_pyproject(path if path.exists() else path.parent)
        except ConfigError as exc:
            _fail(str(exc))
        groups.setdefault(source, []).append(path)
    return [(_settings(rules_file, options, config_file=source, start=group[0]), group) for source, group in groups.items()]


def _print_findings(results: list[FileResult], stream: Any, written: bool) -> None:
    from migrator.files import display

    for result in results:
        path = display(result.path)
        for finding in result.findings:
            status = finding.status.label(written and result.outcome == "changed")
            click.echo(f"{path}:{finding.line}:{finding.column}: {finding.rule} [{status}] {display(finding.message)}", file=stream)
        if result.outcome == "skipped" and not result.findings:
            click.echo(f"{path}: skipped: {result.reason}", file=stream)


def _summary(results: list[FileResult], written: bool) -> str:
    statuses = Counter(f.status.value for r in results for f in r.findings)
    outcomes = Counter(r.outcome.value for r in results)
    changed = outcomes["changed"]
    verb = "changed" if written else "would be changed"
    parts = [f"{len(results)} files scanned", f"{changed} {verb}"]
    migrated = statuses["migrated"]
    if migrated:
        parts.append(f"{migrated} calls {'migrated' if written else 'to migrate'}")
    for status, label in (
        ("review", "need review"),
        ("unsafe", "have unsafe fixes (--unsafe-fixes)"),
        ("unmapped", "unmapped"),
        ("possible", "possible calls left alone"),
    ):
        if statuses[status]:
            parts.append(f"{statuses[status]} {label}")
    if outcomes["failed"]:
        parts.append(f"{outcomes['failed']} files failed")
    return "datamimic-migrate: " + ", ".join(parts) + "."


def _exit_code(results: list[FileResult]) -> int:
    if any(r.outcome == "failed" for r in results):
        return EXIT_ERROR
    if any(r.outcome == "changed" for r in results):
        return EXIT_PENDING
    if any(f.status.blocks for r in results for f in r.findings):
        return EXIT_PENDING
    return EXIT_CLEAN


@main.command("verify")
@click.argument("scripts", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True, help="Seconds a run may take.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Verify with the unsafe fixes applied.")
@click.option("--instance", "instances", multiple=True, metavar="URL", help="A DATAMIMIC base URL, as for migrate.")
@click.option("--assume-datamimic", is_flag=True, default=None, help="Treat every v1-shaped call as a DATAMIMIC call.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use another rule table file.")
def verify_command(scripts: tuple[Path, ...], timeout: float, rules_file: Path | None, **options: Any) -> None:
    """Prove the migration of SCRIPTS by running them against a local emulator.

    Each script runs against the v1 side of a fresh DATAMIMIC emulator on
    127.0.0.1, and its migrated form (not written to disk) against the v2 side
    of another. Each v1 request is mapped through the rule table to the v2
    request it should have become; every v2 request that differs, and every
    difference in what the script printed or how it ended, is a DM002 finding.

    The scripts get DATAMIMIC_URL, DATAMIMIC_TOKEN, TOKEN, PROJECT_ID and
    TASK_ID, and an HTTP proxy setting, so a literal http:// or https:// host
    reaches the emulator too. Nothing leaves the machine.

    \b
    Exit status: 0  every script did the same
                 1  a script did something else
                 2  a script could not be read or migrated
    """
    from migrator import engine, files
    from migrator.verify.run import verify

    settings = _settings(rules_file, options, start=scripts[0])
    results = []
    for script in scripts:
        what = files.special(script.stat().st_mode)
        if what is not None:  # a FIFO would never end, nor would /dev/zero
            click.echo(f"{files.display(str(script))}: skipped: {what}, not a regular file: not read", err=True)
            continue
        data = script.read_bytes()
        kind = files.kind_of(script, data[:256])
        if kind not in ("shell", "python"):
            click.echo(f"{script}: skipped: verify runs shell and Python scripts", err=True)
            continue
        migrated = engine.migrate_source(str(script), data, kind, settings)
        if migrated.outcome == "failed":
            results.append(migrated)
            continue
        results.append(verify(script, kind, data, migrated.migrated or data, settings.table, timeout, settings.instances))
    out = click.get_text_stream("stdout")
    _print_findings(results, out, written=False)
    differ = sum(1 for r in results if any(f.status == "review" for f in r.findings))
    click.echo(f"datamimic-migrate verify: {len(results)} scripts run, {differ} behave differently.", err=True)
    sys.exit(_exit_code(results) if any(r.outcome == "failed" for r in results) else (1 if differ else 0))


@main.command("rules")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use another rule table file.")
def list_rules(rules_file: Path | None) -> None:
    """List the rule table: id, name, method and the v1 -> v2 path."""
    table = _settings(rules_file, {"instances": ()}, eager=True).table
    for meta in sorted(table.meta, key=lambda m: m.id):
        click.echo(f"{meta.id}  {meta.name:<24} {meta.title}")
    for rule in table.rules:
        methods = ",".join(rule.methods)
        click.echo(f"{rule.id}  {rule.name:<24} {methods:<6} {rule.v1.text} -> {rule.v2.text}")


@main.command()
@click.argument("rule_id")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use another rule table file.")
def explain(rule_id: str, rules_file: Path | None) -> None:
    """Explain one rule: its mapping, notes and an example."""
    from migrator.ruletable import Rule

    table = _settings(rules_file, {"instances": ()}, eager=True).table
    try:
        entry = table.get(rule_id.upper())
    except KeyError:
        click.echo(f"error: no rule {rule_id!r}; `datamimic-migrate rules` lists them", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{entry.id} {entry.name}: {entry.title}\n")
    if isinstance(entry, Rule):
        click.echo(f"  {', '.join(entry.methods)} {entry.v1.text}\n  -> {entry.v2.text}\n")
        click.echo(f"Guide: {entry.guide}\n")
    click.echo(entry.note + "\n")
    if isinstance(entry, Rule):
        for example in entry.examples:
            click.echo(f"{example.lang.capitalize()}, before:\n" + _indent(example.before))
            click.echo("After:\n" + _indent(example.after))


def _indent(text: str) -> str:
    return "".join("    " + line + "\n" for line in text.strip("\n").splitlines())
