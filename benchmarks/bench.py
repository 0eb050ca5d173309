"""Speed of datamimic-migrate, printed as ratios (no timed unit tests).

1. Builds a large real tree in a temporary folder (the installed site-packages,
   the curl corpus and the v1 samples copied in many times), then prints the wall
   time of `datamimic-migrate --check` over it as a ratio to `grep -rl api/v1` over
   the same tree. Target: at most 5x.
2. Migrates a Python file full of v1 calls, as a ratio to libcst's own parse plus
   code generation of that file. Target: at most 1.5x.
3. Runs the pre-commit hook's command on one small file, as a ratio to
   pyupgrade on the same file. Target: at most 1.5x.
4. Writes every report format for a run with 10,000 findings. Target: seconds.

    python benchmarks/bench.py [--copies N] [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "curl"  # our own curl corpus: the benchmark needs nothing outside the clone


def build_tree(target: Path, copies: int) -> tuple[int, int]:
    # The interpreter's own site-packages (not a small virtualenv's): a large real tree.
    purelib = Path(sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"])
    shutil.copytree(purelib, target / "site-packages", symlinks=True, ignore=shutil.ignore_patterns("*.so*"))
    for i in range(copies):
        folder = target / "scripts" / f"copy{i}"
        shutil.copytree(ROOT / "samples", folder)
        if CORPUS.is_dir():
            shutil.copytree(CORPUS, folder / "corpus")
    files = [p for p in target.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def best_of(command: list[str], repeat: int, cwd: Path) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def _best(action: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of ``action``, in seconds of this process's CPU: on a
    shared machine wall time measures the neighbours too."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times)


def python_ratio(repeat: int) -> tuple[int, float, float]:
    """Seconds for libcst parse + codegen, and for migrating, of a file full of v1 calls."""
    import libcst

    from migrator import engine, ruletable
    from migrator.config import Settings

    settings = Settings(ruletable.load())
    sample = (ROOT / "samples" / "python" / "requests_client.py").read_bytes()
    body = b"\n".join(sample.split(b"\n")[8:])  # the functions, without the module header
    source = sample + body * 5

    libcst_time = _best(lambda: libcst.parse_module(source).code, max(repeat, 5))
    ours = _best(lambda: engine.migrate_source("client.py", source, "python", settings), max(repeat, 5))
    return len(source), libcst_time, ours


def corpus_ratio(repeat: int) -> tuple[int, float, float]:
    """Seconds for libcst parse + codegen of every Python file of the realistic corpus, and
    for migrating each of its Python programs as the one run it is (across its modules)."""
    import libcst

    from migrator import engine, ruletable
    from migrator.config import Settings

    settings = Settings(ruletable.load())
    programs = sorted(p for p in (ROOT / "tests" / "programs").glob("py-*/*") if p.is_dir())
    sources = [f.read_bytes() for p in programs for f in sorted(p.rglob("*.py"))]

    # Planned once, outside the timing: finding the files (git ls-files) is not migrating them,
    # as reading them is not part of libcst's side either.
    plans = [engine.plan([program]) for program in programs]
    failed = [r.path for plan in plans for r in engine.run(plan, settings, jobs=1) if r.outcome.value == "failed"]
    if failed:  # a file that fails costs nothing: its time would flatter the ratio
        raise SystemExit(f"files of the corpus fail: {failed}")
    libcst_time = _best(lambda: [libcst.parse_module(source).code for source in sources], max(repeat, 3))
    ours = _best(lambda: [engine.run(plan, settings, jobs=1) for plan in plans], max(repeat, 3))
    return len(programs), libcst_time, ours


def hook_latency(repeat: int, folder: Path) -> list[tuple[str, float, float]]:
    """Seconds of `datamimic-migrate FILE` and `pyupgrade FILE` on small files, best of several runs."""
    files = {
        "no v1 call": "import requests\n\n\ndef info(p):\n    return requests.get(f'https://x.example/{p}').json()\n",
        "one v1 call": "import requests\n\n\ndef info(p):\n    return requests.get(f'https://acme.datamimic.io/api/v1/{p}/info').json()\n",
    }
    pyupgrade = shutil.which("pyupgrade") or str(Path(sys.executable).parent / "pyupgrade")
    out = []
    for label, text in files.items():
        path = folder / f"{label.replace(' ', '_')}.py"
        path.write_text(text)
        ours = best_of([sys.executable, "-m", "migrator", "--check", str(path)], max(repeat, 10), folder)
        theirs = best_of([pyupgrade, str(path)], max(repeat, 10), folder)
        out.append((label, ours, theirs))
    return out


def report_times(findings: int) -> dict[str, float]:
    """Seconds to build and write each report format for a run with this many findings."""
    from migrator import engine, ruletable
    from migrator.config import Settings
    from migrator.report import data, render

    settings = Settings(ruletable.load())
    script = (ROOT / "samples" / "shell" / "workflow.sh").read_bytes()
    per_file = len(engine.migrate_source("w.sh", script, "shell", settings).findings)
    results = [engine.migrate_source(f"dir/w{i}.sh", script, "shell", settings) for i in range(findings // per_file + 1)]
    times = {}
    start = time.perf_counter()
    report = data.build(results, settings.table, written=False)
    times["build"] = time.perf_counter() - start
    for name, writer in render.WRITERS.items():
        start = time.perf_counter()
        writer(report, settings.table)
        times[name] = time.perf_counter() - start
    start = time.perf_counter()
    render.github_annotations(report)
    times["github"] = time.perf_counter() - start
    print(f"report of {len(report.findings)} findings:")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of samples and corpus in the tree")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        count, size = build_tree(tree, args.copies)
        print(f"tree: {count} files, {size / 1e6:.0f} MB")
        grep = best_of(["grep", "-rl", "api/v1", "."], args.repeat, tree)
        migrate = best_of([sys.executable, "-m", "migrator", "--check", "."], args.repeat, tree)
        one_file = tree / "scripts" / "copy0" / "shell" / "workflow.sh"
        single = best_of([sys.executable, "-m", "migrator", "--check", str(one_file)], args.repeat, tree)
        print(f"grep -rl api/v1:             {grep:7.3f} s")
        print(f"datamimic-migrate --check:   {migrate:7.3f} s")
        print(f"ratio (target <= 5):         {migrate / grep:7.2f}")
        print(f"one file, --check:           {single:7.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        for label, ours, theirs in hook_latency(args.repeat, Path(folder)):
            print(f"hook on one small file ({label}): {ours:.3f} s vs pyupgrade {theirs:.3f} s, ratio {ours / theirs:.2f} (target <= 1.5)")
    size, libcst_time, ours = python_ratio(args.repeat)
    print(f"python file of {size} bytes full of v1 calls:")
    print(f"  libcst parse + code:        {libcst_time:7.3f} s")
    print(f"  datamimic-migrate:          {ours:7.3f} s")
    print(f"  ratio (target <= 1.5):      {ours / libcst_time:7.2f}")
    programs, libcst_time, ours = corpus_ratio(args.repeat)
    print(f"the realistic corpus's {programs} Python programs (notebooks aside):")
    print(f"  libcst parse + code:        {libcst_time:7.3f} s")
    print(f"  datamimic-migrate:          {ours:7.3f} s")
    print(f"  ratio (target <= 1.5):      {ours / libcst_time:7.2f}")
    for name, seconds in report_times(10_000).items():
        print(f"  {name:<26} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
