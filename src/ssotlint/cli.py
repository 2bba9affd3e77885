"""The command line. The only module that imports click, prints, or ends the process."""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from ssotlint import __version__
from ssotlint.config import Config, ConfigError, load_config
from ssotlint.report.view import DEFAULT_TOP
from ssotlint.specs.model import SpecError

if TYPE_CHECKING:
    from ssotlint.index.events import EventIndex
    from ssotlint.index.project import ProjectIndex
    from ssotlint.specs.model import Spec

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("ssotlint")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"ssotlint: {record.levelname.lower()}: {record.getMessage()}"


def _log_unresolved(index: ProjectIndex) -> None:
    """Say which first-party imports name no module of the project (they add no edge to
    the import graph beyond the packages Python runs on the way)."""
    for u in index.imports.unresolved:
        if index.in_focus(u.path):
            log.info("%s:%d:%d: unresolved import `%s`: %s", u.path, u.line, u.column, u.statement, u.reason)


def _setup_logging(verbose: int, quiet: int) -> None:
    level = logging.WARNING
    if verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    elif quiet >= 2:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("ssotlint")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


#: Set by the console script: a finished command leaves without tearing down its objects.
_EXIT_AT_ONCE = False


def _exit(code: int) -> None:
    """Exit with ``code``. From the console script, skip freeing the project index one
    object at a time (a fifth of a second on a large project): output is flushed and the
    process ends; in-process callers (tests, embedding) get the usual SystemExit."""
    if _EXIT_AT_ONCE:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                code = code or EXIT_ERROR  # e.g. a closed pipe: the output did not get through
        os._exit(code)
    sys.exit(code)


def entry() -> None:
    """The ``ssotlint`` console script and ``python -m ssotlint``."""
    global _EXIT_AT_ONCE
    _EXIT_AT_ONCE = True
    main()


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"ssotlint: error: {message}", err=True)
    sys.exit(code)


def guarded(func: F) -> F:
    """Turn expected errors into exit 2 and unexpected ones into one line + --debug hint."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo("ssotlint: error: invalid configuration", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_ERROR)
        except SpecError as exc:
            click.echo(f"ssotlint: error: invalid event spec: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_ERROR)
        except OSError as exc:
            if exc.filename is None or debug:
                raise
            # The file system said no (an output folder that does not exist, a full disk...).
            _fail(f"{exc.filename}: {exc.strerror or exc}")
        except Exception as exc:
            from ssotlint.engine import UsageError

            if isinstance(exc, UsageError):
                _fail(str(exc))
            if debug:
                raise
            click.echo(
                f"ssotlint: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def run_options(func: F) -> F:
    """--no-cache and --jobs, for every command that analyses the project."""
    func = click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")(func)
    func = click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")(func)
    return func


def baseline_option(func: F) -> F:
    return click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Baseline file (default: the `baseline` setting, .ssotlint-baseline.json).",
    )(func)


def common_options(func: F) -> F:
    func = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")(func)
    func = click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")(func)
    func = click.option("-q", "--quiet", count=True, help="Less output: findings only (-qq: no warnings).")(func)
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Use this pyproject.toml (its folder is the project root).",
    )(func)
    return func


def _codes(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(c.strip().upper() for c in value.split(",") if c.strip())


def _load(paths: tuple[Path, ...], config_file: Path | None) -> Config:
    start = paths[0] if paths else Path.cwd()
    if not start.exists():
        _fail(f"{start}: no such file or directory")
    return load_config(start, config_file)


def _use_color(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(out, "isatty") and out.isatty()


#: What a run is doing, by what the engine last reported: (files done, files in all), or
#: nothing yet while the files are found.
_PHASES = ("finding files", "analysing files", "checking the project")
#: The same for `fix`: its analysis, the files it fixes, the aliases and imports it checks.
_FIX_PHASES = ("planning the fixes", "fixing files", "checking the fixed imports")


def _phase(counts: tuple[int, int] | None, phases: tuple[str, str, str] = _PHASES) -> str:
    if counts is None:
        return phases[0]
    done, total = counts
    return phases[1] if done < total else phases[2]


@contextmanager
def _progress(enabled: bool, phases: tuple[str, str, str] = _PHASES) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a TTY, shown once a run has taken more than a second, whatever it
    is doing then: finding files, analysing them (files done of all), then checking the
    whole project (a bar without an end: the rules report no progress of their own).
    ``phases`` names the three (``fix`` has its own)."""
    if not enabled:
        yield None
        return
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    lock = threading.Lock()
    state: dict[str, Any] = {"counts": None, "due": False, "closed": False}
    bar: dict[str, Any] = {}

    def render() -> None:  # with the lock held
        if state["closed"] or not state["due"]:
            return
        if not bar:
            progress = Progress(
                TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            progress.start()
            bar["progress"] = progress
        progress = bar["progress"]
        counts = state["counts"]
        phase = _phase(counts, phases)
        if bar.get("phase") != phase:  # a new task: only a new one can have no end
            if "task" in bar:
                progress.remove_task(bar["task"])
            total = counts[1] if phase == phases[1] else None
            bar["task"] = progress.add_task(phase, total=total, count="")
            bar["phase"] = phase
            progress.refresh()
        if phase == phases[1]:
            done, total = counts
            progress.update(bar["task"], completed=done, count=f"{done}/{total}")

    def due() -> None:
        with lock:
            state["due"] = True
            render()

    def update(done: int, total: int) -> None:
        with lock:
            state["counts"] = (done, total)
            render()

    timer = threading.Timer(1.0, due)
    timer.daemon = True
    timer.start()
    try:
        yield update
    finally:
        timer.cancel()
        with lock:
            state["closed"] = True
            if bar:
                bar["progress"].stop()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="ssotlint")
def main() -> None:
    """ssotlint finds single-source-of-truth violations: duplicate implementations,
    import cycles and drifting event shapes."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "concise", "json", "sarif", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@run_options
@click.option("--select", help="Comma-separated codes or prefixes to enable (replaces config).")
@click.option("--extend-select", help="Codes or prefixes to enable on top of the selection.")
@click.option("--ignore", help="Codes or prefixes to disable.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@baseline_option
@click.option("--no-baseline", is_flag=True, help="Report every finding, ignoring the baseline.")
@click.option("--show-baselined", is_flag=True, help="Also show findings hidden by the baseline (SARIF: baselineState).")
@common_options
@guarded
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    no_cache: bool,
    jobs: int | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    statistics: bool,
    no_progress: bool,
    baseline_file: Path | None,
    no_baseline: bool,
    show_baselined: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Check PATHS (default: the current folder) and report findings.

    The whole project is analysed (a cycle needs every module); findings are reported when
    they touch one of PATHS. Exit 0: no findings, 1: findings, 2: error.
    """
    from ssotlint.engine import RunOptions, run
    from ssotlint.reporters import ReportOptions, get_reporter

    _setup_logging(verbose, quiet)
    config = _load(paths, config_file)
    log.info("project root: %s (config: %s)", config.root, config.display_config)
    _warn_interrupted_fix(config.root)
    options = RunOptions(
        paths=paths,
        jobs=jobs,
        use_cache=not no_cache,
        select=_codes(select) or None,
        extend_select=_codes(extend_select),
        ignore=_codes(ignore),
        baseline=baseline_file,
        use_baseline=not no_baseline,
    )
    show_progress = not no_progress and not quiet and sys.stderr.isatty() and not os.environ.get("CI")
    started = time.perf_counter()
    with _progress(show_progress) as progress:
        result = run(config, RunOptions(**{**options.__dict__, "progress": progress}))
    log.info("analysed %d files (%d parsed) in %.2fs", result.files, result.parsed, time.perf_counter() - started)
    if log.isEnabledFor(logging.INFO):
        _log_unresolved(result.index)

    reporter = get_reporter(output_format)
    report_options = ReportOptions(quiet=quiet, statistics=statistics, show_baselined=show_baselined)
    if output_file is not None:
        with open(output_file, "w", encoding="utf-8") as fh:
            reporter(result, fh, report_options)
    else:
        report_options.color = _use_color(sys.stdout)
        reporter(result, sys.stdout, report_options)
    _exit(EXIT_FINDINGS if result.diagnostics and not exit_zero else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Only drop entries that match no finding any more.")
@baseline_option
@run_options
@common_options
@guarded
def baseline(
    paths: tuple[Path, ...],
    prune: bool,
    baseline_file: Path | None,
    no_cache: bool,
    jobs: int | None,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Record today's findings so that `check` reports only new ones.

    Writes every current finding (touching PATHS) to the baseline file. With --prune, keeps the
    file as it is but drops the entries whose finding is gone.
    """
    from ssotlint import baseline as baseline_mod
    from ssotlint.engine import RunOptions, baseline_path, run

    _setup_logging(verbose, quiet)
    config = _load(paths, config_file)
    options = RunOptions(paths=paths, jobs=jobs, use_cache=not no_cache, baseline=baseline_file)
    target = baseline_path(config, options)
    old = baseline_mod.load(target) if prune else None
    result = run(config, RunOptions(**{**options.__dict__, "use_baseline": False}))
    if old is not None:
        matched = baseline_mod.match(old, result.diagnostics, (r.code for r in result.rules))
        stale = {id(e) for e in matched.stale}
        keep = [e for e in old.entries if id(e) not in stale]
        baseline_mod.write(target, baseline_mod.render((), keep))
        click.echo(f"Pruned {len(old.entries) - len(keep)} stale entries; {len(keep)} remain in {target}.")
        return
    findings = [d for d in result.diagnostics if d.code != "SSOT903"]
    baseline_mod.write(target, baseline_mod.render(findings))
    click.echo(f"Wrote {len(findings)} findings to {target}.")


@main.command(name="rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule with its code, name, default severity and summary."""
    from ssotlint.rules import ALL_RULES

    if output_format == "json":
        data = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary}
            for r in ALL_RULES
        ]
        import json

        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(r.name) for r in ALL_RULES)
    for r in ALL_RULES:
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of a rule (by code or name)."""
    from ssotlint.docs import rule_page
    from ssotlint.rules import ALL_RULES, lookup

    rule = lookup(code)
    if rule is None:
        known = [r.code for r in ALL_RULES] + [r.name for r in ALL_RULES]
        import difflib

        close = difflib.get_close_matches(code.upper() if code[:4].lower() == "ssot" else code, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        _fail(f"unknown rule {code!r}{hint}; `ssotlint rules` lists them")
        return
    click.echo(rule_page(rule), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["terminal", "markdown", "html", "json"]),
    default="terminal",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=DEFAULT_TOP,
    show_default=True,
    help="Items shown per section (concepts, cycle groups, event types, plan steps); JSON has them all.",
)
@click.option("--full", is_flag=True, help="Show every item of every section (overrides --top).")
@click.option(
    "--concept",
    "concepts",
    multiple=True,
    metavar="NAME",
    help="Only this concept (a name or glob; repeatable) and the import cycles through its modules.",
)
@click.option("--select", help="Comma-separated codes or prefixes to report on (replaces config).")
@baseline_option
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline.")
@run_options
@common_options
@guarded
def report(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    top: int,
    full: bool,
    concepts: tuple[str, ...],
    select: str | None,
    baseline_file: Path | None,
    no_baseline: bool,
    no_cache: bool,
    jobs: int | None,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """A refactor plan for PATHS (default: the current folder).

    What to merge into what, which imports to cut, which event producers and consumers
    drift from the spec, with pictures of the cycles (Markdown: Mermaid; HTML: inline SVG).
    It starts with the few steps that address the most findings; each section is ranked by
    impact and shows its top items (--top, --full). PATHS, --select and --concept narrow it.
    Exit 0 unless there is an error.
    """
    from ssotlint.engine import RunOptions, run
    from ssotlint.report.model import UnknownConcept, build_report
    from ssotlint.report.render import render
    from ssotlint.report.view import View

    _setup_logging(verbose, quiet)
    config = _load(paths, config_file)
    selected = _codes(select)
    options = RunOptions(
        paths=paths,
        jobs=jobs,
        use_cache=not no_cache,
        select=selected or None,
        baseline=baseline_file,
        use_baseline=not no_baseline,
    )
    try:
        model = build_report(run(config, options), concepts=concepts, select=selected)
    except UnknownConcept as exc:
        _fail(str(exc))
        return
    view = View.everything() if full else View.first(top)
    if output_file is not None:
        with open(output_file, "w", encoding="utf-8", newline="\n") as fh:
            render(model, output_format, fh, view=view)
        log.info("wrote %s", output_file)
    else:
        render(model, output_format, sys.stdout, color=_use_color(sys.stdout), view=view)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes and write nothing.")
@click.option("--unsafe", is_flag=True, help="Also apply fixes that can change behaviour.")
@click.option("--select", help="Comma-separated codes or prefixes to fix (default: every fixable one).")
@click.option("--concept", help="Fix only the findings of this concept (its name in the findings).")
@click.option(
    "--events",
    "event_sides",
    metavar="producers|consumers",
    callback=lambda ctx, param, value: _event_sides(value),
    help="Only bring event producers (SSOT303) and/or consumers (SSOT305, comma-separated: "
    "producers,consumers) to the spec as written.",
)
@run_options
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@common_options
@guarded
def fix(
    paths: tuple[Path, ...],
    show_diff: bool,
    unsafe: bool,
    select: str | None,
    concept: str | None,
    event_sides: frozenset[str],
    no_cache: bool,
    jobs: int | None,
    no_progress: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Fix the findings that touch PATHS (default: the current folder).

    Safe fixes: imports of a compatibility alias are rewritten to the canonical class by
    its public name, then aliases nothing uses any more are removed. With --unsafe also:
    imports of a duplicate implementation are pointed at the canonical class, and event
    fields are moved between the envelope and the top level.

    With --events producers|consumers only the event findings of that side are fixed, to
    the spec as written (to take the other option of a format decision, edit the spec
    first): producers' literal dicts and keyword arguments get their fields moved
    (SSOT303); consumers' reads (`event["payload"]["x"]`, `.get()` chains, `"x" in event`)
    and tables of required fields get the spec's level (SSOT305). What cannot be rewritten
    is listed as needing a person.

    Only files inside PATHS are changed. All files are written or none; a fix that would
    break an import, or that raises a count of findings it set out to lower, is undone
    (exit 2). Exit 0 when every fix applied (--diff: when there is nothing to change), 1
    otherwise.
    """
    from collections import Counter

    from ssotlint.config import default_jobs
    from ssotlint.engine import RunOptions, run
    from ssotlint.fix import fixes_for, write
    from ssotlint.fix.apply import broken_on_disk
    from ssotlint.fix.transaction import StaleFile, recover

    _setup_logging(verbose, quiet)
    config = _load(paths, config_file)
    if event_sides and not config.event_spec:
        _fail("--events needs an event spec: set event-spec in [tool.ssotlint] (a draft: ssotlint events infer)")
    for path in recover(config.root):
        log.warning("%s: put back as it was before an interrupted fix", path)
    # Baselined findings are fixed too: burning the legacy down is the point.
    options = RunOptions(paths=paths, jobs=jobs, use_cache=not no_cache, use_baseline=False, select=_codes(select) or None)
    show_progress = not no_progress and not quiet and sys.stderr.isatty() and not os.environ.get("CI")
    with _progress(show_progress) as progress:
        before = run(config, RunOptions(**{**options.__dict__, "progress": progress}))
    with _progress(show_progress, _FIX_PHASES) as progress:
        result = fixes_for(
            before, unsafe, concept=concept, jobs=jobs or config.jobs or default_jobs(), progress=progress, events=event_sides
        )
    counts = Counter(d.code for d in before.diagnostics)
    del before  # the whole project's facts: the run after the fix builds its own
    listing = functools.partial(click.echo, err=show_diff)
    for a in result.applied:
        listing(f"{a.path}: {a.code} {a.title}{'' if a.safe else ' (unsafe)'}")
    for r in result.refused:
        click.echo(f"{r.path}: not fixed: {r.code} {r.title}: {r.reason}", err=True)
    if verbose:
        for r in result.kept:
            click.echo(f"{r.path}: left for later: {r.code} {r.title}: {r.reason}", err=True)
    if result.broken:
        click.echo("ssotlint: error: the fixes would break these imports; nothing was written:", err=True)
        for path, line, module, name in result.broken:
            click.echo(f"  {path}:{line}: from {module} import {name}", err=True)
        _exit(EXIT_ERROR)
    if show_diff:
        if not quiet and result.applied:
            for summary in _per_rule(result, None):
                listing(summary)
        click.echo(result.diff(), nl=False)
        _exit(EXIT_FINDINGS if result.changes or result.refused else EXIT_OK)

    if not result.changes:
        listing("Nothing to fix.")
        _exit(EXIT_FINDINGS if result.refused else EXIT_OK)
    with _terminate_as_interrupt():
        try:
            txn = write(config.root, result)
        except StaleFile as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"cannot write {exc.filename}: {exc.strerror or exc}; nothing was written")
        try:
            with _progress(show_progress) as progress:
                after = run(config, RunOptions(**{**options.__dict__, "progress": progress}))
            broken = broken_on_disk(after.index, result)
            lowered = {a.code for a in result.applied} | {"SSOT201", "SSOT202"}
            now = Counter(d.code for d in after.diagnostics)
            worse = sorted(code for code in lowered if now[code] > counts[code])
            if broken or worse:
                failed = txn.rollback()
                click.echo("ssotlint: error: the fixes were undone, every file is as it was:", err=True)
                for path, line, module, name in broken:
                    click.echo(f"  {path}:{line}: from {module} import {name} does not resolve any more", err=True)
                for code in worse:
                    click.echo(f"  {code}: {counts[code]} findings before, {now[code]} after", err=True)
                for path in failed:
                    click.echo(f"  {path}: could not be put back", err=True)
                _exit(EXIT_ERROR)
            txn.commit()
        except BaseException:
            if not txn.done:
                txn.rollback()
            raise
    remaining = result.fixed_fingerprints & {d.fingerprint for d in after.diagnostics}
    if not quiet:
        files = len(result.changes)
        listing(f"Fixed {len(result.applied)} {'place' if len(result.applied) == 1 else 'places'} in {files} {'file' if files == 1 else 'files'}.")
        for summary in _per_rule(result, now):
            listing(summary)
    for d in after.diagnostics:
        if d.fingerprint in remaining:
            click.echo(f"still reported: {d.path}:{d.line}:{d.column}: {d.code} {d.message}", err=True)
    _exit(EXIT_FINDINGS if result.refused or remaining else EXIT_OK)


def _event_sides(value: str | None) -> frozenset[str]:
    """``--events``: "producers", "consumers" or both, comma-separated."""
    from ssotlint.fix.plan import EVENT_SIDES

    if value is None:
        return frozenset()
    sides = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = sorted(sides - set(EVENT_SIDES))
    if unknown or not sides:
        raise click.BadParameter(f"expected producers, consumers or both (comma-separated), got {value!r}", param_hint="--events")
    return sides


def _per_rule(result: Any, remaining: Mapping[str, int] | None) -> list[str]:
    """Per rule: the fixes made, those left for later (`-v` says why), the findings that
    remain (``remaining``: counts after writing; None with --diff)."""
    from collections import Counter

    fixed = Counter(a.code for a in result.applied)
    kept = Counter(r.code for r in result.kept)
    lines = []
    for code in sorted({*fixed, *kept}):
        done, later = fixed[code], kept[code]
        line = f"{code}: {done} {'fix' if done == 1 else 'fixes'}"
        if later:
            line += f", {later} left for later"
        if remaining is not None:
            left = remaining.get(code, 0)
            line += f", {left} {'finding remains' if left == 1 else 'findings remain'}"
        lines.append(line)
    return lines


def _warn_interrupted_fix(root: Path) -> None:
    from ssotlint.fix.transaction import interrupted

    left = interrupted(root)
    if left:
        log.warning(
            "a fix was interrupted while writing %d files (%s); `ssotlint fix` puts them back first",
            len(left), ", ".join(left[:3]) + (" ..." if len(left) > 3 else ""),
        )


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile, so that a terminated fix puts files back."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- ssotlint events ------------------------------------------------------------------------------


@main.group(name="events")
def events_group() -> None:
    """Event types in the code: draft a spec from the producers, or list them."""


def _event_index(
    paths: tuple[Path, ...],
    config_file: Path | None,
    discriminator: str | None,
    no_cache: bool,
    spec_optional: bool = False,
) -> tuple[EventIndex, Spec | None, Callable[[str], bool]]:
    from ssotlint.index.events import EventIndex, load_event_spec

    index, in_scope = _events_project(paths, config_file, no_cache)
    spec = None
    if discriminator is None:
        try:
            spec = load_event_spec(index)
        except SpecError as exc:
            if not spec_optional:
                raise
            log.warning("ignoring the configured event spec: %s", exc)
    disc = (discriminator,) if discriminator else (spec.keys if spec is not None else ("type",))
    return EventIndex(index, disc, spec), spec, in_scope


def _events_project(
    paths: tuple[Path, ...], config_file: Path | None, no_cache: bool
) -> tuple[ProjectIndex, Callable[[str], bool]]:
    """The project index with the event facts, and whether a path is in the PATHS given."""
    from ssotlint.discovery import in_scope
    from ssotlint.engine import RunOptions, index_project

    config = _load(paths, config_file)
    index, scope, _ = index_project(config, RunOptions(paths=paths, use_cache=not no_cache), families=frozenset({"events"}))
    return index, (lambda rel: in_scope(rel, scope))


def _table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A rich table on a terminal, plain aligned columns otherwise."""
    if _use_color(sys.stdout):
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for h in headers:
            table.add_column(h, overflow="fold")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    if title:
        click.echo(title)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    for row in [headers, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@events_group.command(name="infer")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft spec here.")
@click.option("--discriminator", help="The key holding the event type (default: the spec's, else 'type').")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@common_options
@guarded
def events_infer(
    paths: tuple[Path, ...],
    output: Path | None,
    discriminator: str | None,
    no_cache: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Draft an event spec from the producers in PATHS and show how their shapes drift.

    The draft (ssotlint's YAML format) uses the majority shape of each event type: fields
    every producer sets are required, the others optional. Without -o it is printed.
    """
    from ssotlint.index.event_drafts import infer

    _setup_logging(verbose, quiet)
    events, _, scope = _event_index(paths, config_file, discriminator, no_cache, spec_optional=True)
    result = infer(events, scope)
    if not result.events:
        where = f"with the discriminator {events.discriminator!r}" if discriminator else "that look like events"
        _fail(
            f"no producers {where} found: nothing to draft (configure [tool.ssotlint.events] emitters"
            " or pass --discriminator KEY)"
        )
    text = result.to_yaml()
    if output is not None:
        output.write_text(text, "utf-8")
    else:
        click.echo(text, nl=False)
    if quiet:
        return
    out = sys.stdout if output is not None else sys.stderr
    rows = []
    for e in result.events:
        for s in e.shapes:
            fields = ", ".join(s.fields)
            rows.append([e.name, s.envelope or "flat", str(s.count), "drift" if s.drift else "", fields, " ".join(s.examples)])
    if out is sys.stdout:
        click.echo("")
        _table(["event", "envelope", "producers", "", "fields", "examples"], rows, "Shapes per event type")
        click.echo(f"\n{len(result.events)} event type(s); {result.drift} producer(s) drift from the majority shape.")
        click.echo(f"Wrote {output}.")
    else:
        sys.stdout.flush()
        click.echo(f"# {len(result.events)} event type(s); {result.drift} producer(s) drift from the majority shape.", err=True)
        for row in rows:
            click.echo("# " + "  ".join(c for c in row if c), err=True)


@events_group.command(name="list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@common_options
@guarded
def events_list(
    paths: tuple[Path, ...],
    output_format: str,
    no_cache: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Every event type with its producer and consumer counts (and whether the spec has it)."""
    from ssotlint.index.event_drafts import count_events

    _setup_logging(verbose, quiet)
    events, spec, _ = _event_index(paths, config_file, None, no_cache)
    counts = count_events(events, spec)
    if output_format == "json":
        data = [{"event": c.name, "in_spec": c.in_spec, "producers": c.producers, "consumers": c.consumers} for c in counts]
        import json

        click.echo(json.dumps(data, indent=2))
        return
    rows = [[c.name, "yes" if c.in_spec else ("no" if spec is not None else "-"), str(c.producers), str(c.consumers)] for c in counts]
    _table(["event", "in spec", "producers", "consumers"], rows)


@events_group.command(name="export")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonschema", "asyncapi", "typeddict"]),
    required=True,
    help="JSON Schema 2020-12, AsyncAPI 3.0 (YAML), or a Python module of TypedDicts.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the export here.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file given with -o is not what would be written.")
@common_options
@guarded
def events_export(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    check: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """Write the project's event spec (`event-spec`) as JSON Schema, AsyncAPI or TypedDicts.

    Without -o the export is printed. With --check (and -o) nothing is written: the command
    exits 1 when the committed file differs from the export, 0 when it is up to date.
    """
    from ssotlint.specs.export import export_notes, render
    from ssotlint.specs.load import load_spec

    _setup_logging(verbose, quiet)
    config = _load(paths, config_file)
    if not config.event_spec:
        _fail(f"{config.display_config}: no event-spec configured in [tool.ssotlint]: nothing to export")
    assert config.event_spec is not None
    spec = load_spec(config.root, config.event_spec, config.display_config, config.max_file_size)
    for warning in spec.warnings:
        log.warning("event spec: %s", warning)
    for note in export_notes(spec, output_format):
        log.warning("%s export: %s", output_format, note)
    text = render(spec, output_format)
    if check:
        if output is None:
            _fail("--check needs the committed file: pass it with -o FILE")
        assert output is not None
        try:
            current: str | None = output.read_text("utf-8").replace("\r\n", "\n")  # a checkout with CRLF is not stale
        except FileNotFoundError:
            current = None
        if current == text:
            if not quiet:
                click.echo(f"{output} is up to date with {spec.path}.")
            sys.exit(EXIT_OK)
        what = "does not exist" if current is None else "is out of date"
        click.echo(f"{output} {what}: run `ssotlint events export --format {output_format} -o {output}`.")
        sys.exit(EXIT_FINDINGS)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, "utf-8")
    if not quiet:
        click.echo(f"Wrote {output} ({output_format}, {len(spec.events)} event type(s)).", err=True)


@events_group.command(name="plan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the plan here.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@common_options
@guarded
def events_plan(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    no_cache: bool,
    config_file: Path | None,
    quiet: int,
    verbose: int,
    debug: bool,
) -> None:
    """What each event format would cost: the spec as written and every shape in the code.

    Per event type and candidate shape: the producers and consumers in PATHS that would have
    to change, which of them `ssotlint fix --unsafe` rewrites and which need a person, and
    the tests that read each field.
    """
    from ssotlint.eventplan import render
    from ssotlint.eventplan.model import build
    from ssotlint.index.events import load_event_spec

    _setup_logging(verbose, quiet)
    index, in_scope = _events_project(paths, config_file, no_cache)
    if load_event_spec(index) is None:
        _fail(f"{index.config.display_config}: no event-spec configured in [tool.ssotlint]: nothing to plan against")
    plan = build(index, in_scope)
    if output_format == "json":
        import json

        text = json.dumps(plan.to_json(), indent=2) + "\n"
    elif output_format == "markdown":
        text = render.markdown(plan)
    else:
        text = render.text(plan)
    if output_file is not None:
        output_file.write_text(text, "utf-8")
    else:
        click.echo(text, nl=False)
