"""The command line. Nothing else in the package knows about argv.

Heavy modules (the rule table, tree-sitter) are imported inside the commands, so
that ``--help`` and a pre-commit run on one file start fast.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from migrator.config import Settings
    from migrator.files import Listing
    from migrator.findings import FileResult

EXIT_CLEAN, EXIT_PENDING, EXIT_ERROR = 0, 1, 2
# Stopped by Ctrl-C: 128 + SIGINT, as a shell reports it (SIGTERM: 143, SIGHUP: 129).
EXIT_INTERRUPTED = 130
# Here rather than from report.render, so that --help does not import the report code.
REPORT_FORMATS = ("md", "html", "json", "sarif", "gitlab")
OUTPUT_FORMATS = ("text", "github", "gitlab", "json", "sarif")
STDOUT = "-"
# Show a progress bar only for runs long enough to want one.
PROGRESS_MIN_FILES = 500


_IMPLICIT = "datamimic-migrate.implicit-migrate"


class _MigrateContext(click.Context):
    @property
    def command_path(self) -> str:
        # Usage and errors name the command as it was typed: without "migrate".
        if self.meta.get(_IMPLICIT) and self.parent is not None:
            return self.parent.command_path
        return super().command_path


class _Migrate(click.Command):
    context_class = _MigrateContext


class _DefaultGroup(click.Group):
    """``datamimic-migrate PATHS`` means ``datamimic-migrate migrate PATHS``, so the group's
    help shows migrate's options: they are the ones a user types."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-") and not os.path.lexists(args[0]):
            import difflib

            close = difflib.get_close_matches(args[0], [name for name in self.commands if name != "migrate"], n=1)
            if close:
                ctx.fail(f"{args[0]!r} is neither a command nor a path. Did you mean {close[0]!r}?")
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version", "-V")):
            args = ["migrate", *args]
            ctx.meta[_IMPLICIT] = True
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] [PATHS]...")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="       ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        migrate = self.commands["migrate"]
        params = [p for p in migrate.params if isinstance(p, click.Option)] + self.get_params(ctx)
        records = [record for record in (p.get_help_record(ctx) for p in params) if record]
        with formatter.section("Options"):
            formatter.write_dl(records)
        self.format_commands(ctx, formatter)


# Which calls are rewritten and the exit status: the same words in `--help` of the
# tool and of its migrate command.
_WHICH_CALLS = """\
A call is rewritten only when it is a DATAMIMIC call: its host is a configured
instance, or its base's host or names say DATAMIMIC, or (when the base names
nothing else) the code around it does: function, class, module and folder names,
docstrings. Calls that cannot be rewritten safely are reported with their rule id
and left as they are. Put `# datamimic-migrate: ignore` (or `ignore[DM105]`) on a
call's line or the line before to leave it alone.

\b
Exit status: 0    nothing left to migrate
             1    files were (or would be) changed, or calls need review
             2    an error: a bad rule table, configuration or option, a
                  path that does not exist, a file that could not be read,
                  parsed or written (it is left untouched; the run goes on)
             130  interrupted (Ctrl-C); 143, 129: stopped by SIGTERM, SIGHUP
"""

def _which_calls_told(function: Callable[..., Any]) -> Callable[..., Any]:
    """Put _WHICH_CALLS where the docstring says %(which)s, before click reads it."""
    told = textwrap.indent(_WHICH_CALLS, "    ").strip()
    function.__doc__ = (function.__doc__ or "") % {"which": told}
    return function


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="datamimic-migrate", message="datamimic-migrate %(version)s")
@_which_calls_told
def main() -> None:
    """Migrate DATAMIMIC External API v1 calls to v2.

    \b
    datamimic-migrate [OPTIONS] [PATHS]...   rewrite v1 calls in place (default: .)
    datamimic-migrate --diff [PATHS]...      show the rewrite, change nothing
    datamimic-migrate rules                  list the rule table
    datamimic-migrate explain DM101          explain one rule
    datamimic-migrate verify SCRIPT...       prove a migration against a local emulator

    %(which)s
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


@main.command(hidden=True, cls=_Migrate)
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
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out files and folders matching GLOB (a name, or a path from here; repeatable), beside pyproject's exclude.",
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
    "report_paths",
    multiple=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write a review report: .md, .html, .json, .sarif (by extension); repeatable; - is standard output.",
)
@click.option(
    "--report-format",
    type=click.Choice(REPORT_FORMATS),
    help="The report's format, whatever its extension; without --report, the report goes to standard output.",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="What is printed: text, GitHub or GitLab annotations, or the JSON or SARIF report.",
)
@click.option("--statistics", is_flag=True, help="Print per-rule counts of each status instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when calls are left or files changed (errors still exit 2).")
@_stopped_by_signals()
@_which_calls_told
def migrate(
    paths: tuple[Path, ...],
    diff: bool,
    check: bool,
    rules_file: Path | None,
    config_file: Path | None,
    jobs: int,
    force_readonly: bool,
    quiet: bool,
    report_paths: tuple[Path, ...],
    report_format: str | None,
    output_format: str,
    statistics: bool,
    exit_zero: bool,
    **options: Any,
) -> None:
    """Rewrite DATAMIMIC v1 calls in PATHS (files or folders; default: .).

    Folders are walked honouring .gitignore. Shell scripts and Python files are
    chosen by extension (.sh, .bash, .zsh, .ksh, .py, .pyw) or by their #! line.

    %(which)s

    Settings can also live in pyproject.toml under [tool.datamimic-migrate]:
    instances, select, ignore, assume-datamimic, unsafe-fixes, annotate,
    max-file-size, exclude, per-file-ignores.
    """
    from migrator import engine

    groups = _settings_per_path(paths or (Path("."),), rules_file, config_file, options)
    outputs = _plan_outputs(report_paths, report_format, output_format, diff, statistics)
    reports = [path for path, _ in outputs.reports if path is not None]
    for path in reports:
        _check_output(path, "--report")
    cores = engine.cores()
    if jobs > cores:
        click.echo(f"datamimic-migrate: --jobs {jobs} lowered to {cores}, the cores this process may use.", err=True)
    plans = []
    listings: list[Listing] = []
    for settings, group in groups:
        walked: list[Listing] = []
        engine.plan(group, walked)
        kept = [_not_excluded(listing, settings) for listing in walked]
        listings.extend(kept)
        todo = [item for listing in kept for item in listing.files]
        for report in reports:
            todo = _without_report(todo, report)
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
    reports_written = _write_outputs(outputs, results, settings, write, quiet)
    click.echo(_summary(results, write), err=True)
    code = _exit_code(results)
    if not reports_written:
        code = EXIT_ERROR
    sys.exit(EXIT_CLEAN if exit_zero and code == EXIT_PENDING else code)


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


def _not_excluded(listing: Listing, settings: Settings) -> Listing:
    """What a walk found less what --exclude and exclude leave out: never read, and its
    FIFOs and temporary files neither reported nor removed."""
    from migrator.files import Listing

    if not settings.exclude:
        return listing
    return Listing(
        [item for item in listing.files if not settings.excluded(item[0])],
        [path for path in listing.temporaries if not settings.excluded(path)],
        [(path, what) for path, what in listing.special if not settings.excluded(path)],
    )


def _without_report(todo: list[tuple[Path, bool]], report: Path) -> list[tuple[Path, bool]]:
    """The planned files less the report, which is written, not migrated. A report over a
    file the run would migrate (a script, a Markdown file that is not a report of ours)
    is refused."""
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
    try:
        return os.path.samestat(os.stat(path), target)
    except OSError:
        return False


def _special_files(listings: list[Listing]) -> list[FileResult]:
    from migrator.findings import FileResult, Outcome

    return [
        FileResult(str(path), Outcome.SKIPPED, reason=f"{what}, not a regular file: not read")
        for listing in listings
        for path, what in listing.special
    ]


def _remove_stale_temporaries(listings: list[Listing], err: Any) -> None:
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


@dataclass(frozen=True)
class _Outputs:
    """Where a run's output goes. One thing at most owns standard output."""

    reports: tuple[tuple[Path | None, str], ...]  # (path, format); None: standard output
    printed: str  # the format printed on standard output: text (the findings), or a report's
    findings: str | None  # the stream of the text findings (stdout, stderr), None: not printed
    statistics: bool


def _plan_outputs(
    report_paths: tuple[Path, ...], report_format: str | None, output_format: str, diff: bool, statistics: bool
) -> _Outputs:
    """Checked before any file is read. As ruff's --output-format without --output-file, a
    --report-format without --report goes to standard output, as --report - does."""
    if report_format and len(report_paths) > 1:
        raise click.UsageError("--report-format names the format of one --report: give each report its extension")
    if statistics and output_format not in ("text", "json"):
        raise click.UsageError("--statistics prints text or JSON (--output-format json)")
    reports = []
    for path in report_paths or ((Path(STDOUT),) if report_format else ()):
        chosen = _format_for(path, report_format)
        if chosen is None:
            hint = "give --report-format for standard output" if str(path) == STDOUT else "use .md, .html, .json or .sarif"
            raise click.BadParameter(f"{hint}, or --report-format", param_hint="--report")
        reports.append((None if str(path) == STDOUT else path, chosen))
    owners = [f"--output-format {output_format}"] if output_format != "text" else []
    owners += ["--diff"] * diff + ["--report -"] * sum(1 for path, _ in reports if path is None)
    if len(owners) > 1:
        raise click.UsageError(f"{owners[0]} and {owners[1]} both write to standard output")
    findings = None if output_format != "text" else ("stderr" if owners else "stdout")
    return _Outputs(tuple(reports), output_format, findings, statistics)


def _format_for(path: Path, explicit: str | None) -> str | None:
    if explicit:
        return explicit
    suffix = path.suffix.lstrip(".").lower()
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    return suffix if suffix in REPORT_FORMATS else None


def _write_outputs(outputs: _Outputs, results: list[FileResult], settings: Settings, written: bool, quiet: bool) -> bool:
    """Everything but the summary; False when a report file could not be written (it is
    said, and the rest is still written)."""
    reports_written = True
    if outputs.reports or outputs.printed != "text":
        from migrator.files import display
        from migrator.report import data, render

        report = data.build(results, settings.table, written)
        for path, chosen in outputs.reports:
            text = render.WRITERS[chosen](report, settings.table)
            if path is None:
                click.echo(text, nl=False)
                continue
            try:
                # errors=: a byte that is not UTF-8 in a message shows as \udce9 rather than stop the run.
                path.write_text(text, encoding="utf-8", errors="backslashreplace")
            except OSError as exc:
                click.echo(f"error: --report {display(str(path))}: {exc.strerror or exc}", err=True)
                reports_written = False
        if outputs.printed != "text" and not outputs.statistics:
            click.echo(render.WRITERS[outputs.printed](report, settings.table), nl=False)
    if outputs.statistics:
        from migrator.report import statistics

        rows = statistics.count(results, settings.table, written)
        if outputs.printed == "json":
            click.echo(statistics.as_json(rows), nl=False)
        else:
            click.echo(statistics.as_text(rows, written), nl=False, file=click.get_text_stream(outputs.findings or "stdout"))
    elif outputs.findings and not quiet:
        _print_findings(results, click.get_text_stream(outputs.findings), written, settings)
    return reports_written


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
    from migrator.config import ConfigError, Settings, file_settings, find_pyproject, read_pyproject

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
        # Patterns of the configuration are read from its folder, those of --exclude from here.
        **file_settings(config, source.parent if source else Path.cwd(), tuple(options.get("exclude", ()))),
    )
    for key in ("select", "ignore"):
        given = pick(key, ())
        if given:
            where = f"--{key}" if options.get(key) else f"{source}: [tool.datamimic-migrate] {key}"
            _check_rule_ids(settings, given, where)
    for pattern, given in config.get("per-file-ignores", {}).items():
        if given:
            _check_rule_ids(settings, given, f"{source}: [tool.datamimic-migrate] per-file-ignores {pattern!r}")
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


def _print_findings(results: list[FileResult], stream: Any, written: bool, settings: Settings | None = None) -> None:
    """One line per finding; on a terminal the rule id links to its docs (OSC 8), as ruff's do."""
    from migrator.files import display

    linked = settings is not None and stream.isatty() and os.environ.get("TERM") != "dumb"
    for result in results:
        path = display(result.path)
        for finding in result.findings:
            status = finding.status.label(written and result.outcome == "changed")
            rule = _hyperlink(finding.rule, settings) if linked else finding.rule
            click.echo(f"{path}:{finding.line}:{finding.column}: {rule} [{status}] {display(finding.message)}", file=stream)
        if result.outcome == "skipped" and not any(f.rule == "DM001" for f in result.findings):  # DM001 says why
            click.echo(f"{path}: skipped: {result.reason}", file=stream)


def _hyperlink(rule: str, settings: Settings) -> str:
    from migrator import docs

    return f"\x1b]8;;{docs.url(settings.table, rule)}\x1b\\{rule}\x1b]8;;\x1b\\"


def _summary(results: list[FileResult], written: bool) -> str:
    statuses = Counter(f.status.value for r in results for f in r.findings)
    outcomes = Counter(r.outcome.value for r in results)
    changed = outcomes["changed"]
    verb = "changed" if written else "would be changed"
    parts = [f"{_count(len(results), 'file')} scanned", f"{changed} {verb}"]
    migrated = statuses["migrated"]
    if migrated:
        parts.append(f"{_count(migrated, 'call')} {'migrated' if written else 'to migrate'}")
    for status, one, many in (
        ("review", "needs review", "need review"),
        ("unsafe", "has an unsafe fix (--unsafe-fixes)", "have unsafe fixes (--unsafe-fixes)"),
        ("unmapped", "unmapped", "unmapped"),
        ("possible", "possible call left alone", "possible calls left alone"),
    ):
        if statuses[status]:
            parts.append(f"{statuses[status]} {one if statuses[status] == 1 else many}")
    if outcomes["failed"]:
        parts.append(f"{_count(outcomes['failed'], 'file')} failed")
    return "datamimic-migrate: " + ", ".join(parts) + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _exit_code(results: list[FileResult]) -> int:
    if any(r.outcome == "failed" for r in results):
        return EXIT_ERROR
    if any(r.outcome == "changed" for r in results):
        return EXIT_PENDING
    if any(f.status.blocks for r in results for f in r.findings):
        return EXIT_PENDING
    return EXIT_CLEAN


@main.command("verify", short_help="Prove the migration of scripts against a local emulator.")
@click.argument("scripts", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True, help="Seconds a run may take.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Verify with the unsafe fixes applied.")
@click.option("--instance", "instances", multiple=True, metavar="URL", help="A DATAMIMIC base URL, as for migrate.")
@click.option("--assume-datamimic", is_flag=True, default=None, help="Treat every v1-shaped call as a DATAMIMIC call.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use another rule table file.")
@click.option(
    "--base",
    metavar="REV",
    help="Take each original from git revision REV (default: HEAD, when the script differs from it).",
)
@click.option("--no-base", is_flag=True, help="Take each original from the working tree, even when it differs from HEAD.")
def verify_command(
    scripts: tuple[Path, ...], timeout: float, rules_file: Path | None, base: str | None, no_base: bool, **options: Any
) -> None:
    """Prove the migration of SCRIPTS by running them against a local emulator.

    Each original runs against the v1 side of a fresh DATAMIMIC emulator on
    127.0.0.1, and its migrated form against the v2 side of another. Each v1
    request is mapped through the rule table to the v2 request it should have
    become; every v2 request that differs, and every difference in what the
    script printed or how it ended, is a DM002 finding.

    The original is the script at git revision --base, or at HEAD when the
    working tree's script differs from it (migrate in place, verify, commit);
    otherwise the script itself, migrated in memory. A script that makes no
    request proves nothing: it is reported as "nothing compared".

    The scripts get DATAMIMIC_URL, DATAMIMIC_TOKEN, TOKEN, PROJECT_ID and
    TASK_ID, and an HTTP proxy setting, so a literal http:// or https:// host
    reaches the emulator too. Nothing leaves the machine.

    \b
    Exit status: 0  every script did the same
                 1  a script did something else, or made no request
                 2  a script could not be read or migrated, or is not at REV
    """
    from migrator import engine, files
    from migrator.findings import FileResult, Finding, Outcome, Status
    from migrator.verify.base import BaseError, original
    from migrator.verify.run import verify

    if base is not None and no_base:
        raise click.UsageError("--base and --no-base exclude each other")
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
        try:
            before = None if no_base else original(script, data, base)
        except BaseError as exc:
            results.append(FileResult(str(script), Outcome.FAILED, (Finding("DM001", Status.ERROR, 1, 1, str(exc)),), str(exc)))
            continue
        if before is not None:
            click.echo(f"{script}: the original is {before.origin}", err=True)
        migrated = engine.migrate_source(str(script), data, kind, settings)
        if migrated.outcome == "failed":
            results.append(migrated)
            continue
        old = before.data if before is not None else data
        results.append(verify(script, kind, old, migrated.migrated or data, settings.table, timeout, settings.instances))
    out = click.get_text_stream("stdout")
    _print_findings(results, out, False, settings)
    differ = sum(1 for r in results if any(f.status == "review" for f in r.findings))
    nothing = sum(1 for r in results if r.outcome == "skipped")
    summary = f"datamimic-migrate verify: {_count(len(results), 'script')} run, {differ} behave differently"
    summary += f", {nothing} compared nothing (no request was made)." if nothing else "."
    click.echo(summary, err=True)
    sys.exit(_exit_code(results) if any(r.outcome == "failed" for r in results) else (1 if differ or nothing else 0))


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
    from migrator import docs
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
    click.echo(f"Docs: {docs.url(table, entry.id)}\n")
    if isinstance(entry, Rule):
        for example in entry.examples:
            click.echo(f"{example.lang.capitalize()}, before:\n" + _indent(example.before))
            click.echo("After:\n" + _indent(example.after))


def _indent(text: str) -> str:
    return "".join("    " + line + "\n" for line in text.strip("\n").splitlines())
