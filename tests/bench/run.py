"""`make bench`: build times, edit-to-screen latency and memory on synthetic corpora.

For N = 1,000 and 10,000 decisions (and 100,000 with BENCH_FULL=1): a cold
full build (no output, no cache), a warm full build (nothing changed), the
search indexing step on its own, and the time from saving an edited
decision to the new page being served by `serve`, and to `serve --search`
saying the search index has it (`edit_to_search_updated_s`, median, and
`_max_s`: the first edit brings new words, so every shard). Then the build people run,
search included (`full_builds`): cold, warm after a one-line edit of one
decision (`full_warm_edit_build_s`), and the same Pagefind binary alone on the
output (`pagefind_alone_s`, with its peak RSS); with Hugo, Hugo followed by that
Pagefind on Hugo's output (`hugo_pagefind_s`), and `ratio_full_vs_hugo_pagefind`
= Insyn's full cold build / Hugo + Pagefind (below 1: Insyn is faster). Wall times are medians of
BENCH_RUNS runs (default 3); peak RSS is of the whole process tree, sampled
from /proc. A cold build's CPU seconds are split into user and system time
(`cold_user_s`, `cold_system_s`), and `write_floor_s` is how long a program that
does nothing else takes to write the same files (`write_floor`). Results are
printed and written to tests/bench/results.json.
Nothing here asserts a time: machines are shared and noisy.

What a cold build would delete first (the last output, the caches, the last
Hugo site) is set aside instead and deleted when the bench ends (`Trash`), so
every cold build starts as on a fresh checkout. On ext4 without a journal,
the file system skips every inode freed in the last minute or more
(`recently_deleted`) each time it makes a new one: right after 38,000 files and
folders were deleted, making as many again cost 10-20 s of kernel time, half
a cold build's CPU. `cold_after_delete_s` measures that case too: cold builds
right after deleting the output and the caches, after everything else.

When `hugo` is on PATH (Debian: `apt-get install hugo`; optional, CI does not
need it), each size also emits the equivalent Hugo site (`tests/bench/hugo.py`,
not timed) right after Insyn's cold builds and times as many cold Hugo builds
(no output, no resources/ or cache), measured the same way: `hugo_build_s`
(median wall time), `hugo_peak_rss_mib`, `hugo_pages` (HTML files) and
`ratio_vs_hugo` = Hugo's median / Insyn's cold median (above 1: Insyn is
faster); `cold_peak_rss_mib` is Insyn's peak over its cold builds alone, the
figure to set against Hugo's. Without `hugo` one line says it was skipped.

Environment:
    BENCH_SIZES=1000,10000  the numbers of decisions to run (comma-separated;
                            the default is 1000 and 10000, plus 100000 with
                            BENCH_FULL=1)
    BENCH_RUNS=3            runs per measurement
    BENCH_DIR=...           where corpora and Hugo sites are kept (default:
                            insyn-bench in the temporary folder)
    BENCH_RESULTS=...       the JSON file to write (default:
                            tests/bench/results.json)
"""

from __future__ import annotations

import json
import os
import queue
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.bench import hugo
from tests.bench.corpus import generate

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("results.json")


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        child = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(child)
        rss[child] = int(fields.get("VmRSS", "0 kB").split()[0] or 0)
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


#: CPU seconds (user, system) of the last command `timed` ran, its workers included.
last_cpu: tuple[float, float] = (0.0, 0.0)


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak tree RSS (KiB) of one command; its CPU time in `last_cpu`."""
    global last_cpu
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # stderr to a file, not a pipe nobody reads while the command runs: a build that warns
    # of thousands of things would fill the pipe and wait on it for ever.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        last_cpu = (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
        if process.returncode != 0:
            errors.seek(0)
            stderr = errors.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-2000:]}")
    return elapsed, peak


class Trash:
    """Where the bench puts what it would otherwise delete, until it ends (see above)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def put(self, *paths: Path) -> None:
        for path in paths:
            if not path.exists():
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            try:
                os.replace(path, self.folder / str(self.count))
            except OSError:  # another file system: delete it after all
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def write_floor(site_folder: Path, workdir: Path, runs: int, trash: Trash) -> float:
    """Median seconds for a program that does nothing else to write the same files.

    The built site's files (same paths, same bytes) are read into memory, then written
    into a fresh folder on the same disk by as many forked processes as the build uses,
    with the same system calls as the build (`open` with `O_EXCL`, `write`, `close`;
    `mkdir` where a folder is missing). On a machine whose disk or memory is slow to
    take new pages this is a large and noisy part of a cold build, which no generator
    can avoid: the row's `write_floor_s` says how large it was in this run.
    """
    files = [
        (path.relative_to(site_folder).as_posix(), path.read_bytes())
        for path in sorted(site_folder.rglob("*"))
        if path.is_file()
    ]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    target = workdir / "write-floor"
    times = []
    for _ in range(runs):
        trash.put(target)
        target.mkdir(parents=True)
        start = time.perf_counter()
        children = []
        for share in range(cores):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the forked writer
                code = 0
                try:
                    _write_files(target, files[share::cores])
                except BaseException:
                    code = 1
                os._exit(code)
            children.append(pid)
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
        times.append(time.perf_counter() - start)
        if failed:
            raise SystemExit("writing the files for the write floor failed")
    trash.put(target)
    return statistics.median(times)


def _write_files(target: Path, files: list[tuple[str, bytes]]) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for relative, data in files:
        path = os.path.join(target, relative)
        try:
            descriptor = os.open(path, flags, 0o666)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            descriptor = os.open(path, flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)


def site(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "site.py"), *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(root: Path, *options: str) -> Iterator[tuple[int, queue.Queue[str]]]:
    """`serve` running on `root` until the block ends, its port and the lines it says on
    stderr (in English), once it serves the first page."""
    port = free_port()
    process = subprocess.Popen(
        site("serve", "--port", str(port), *options),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, INSYN_LANG="en"),
        start_new_session=True,
    )
    said: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    stream = process.stderr
    threading.Thread(target=lambda: [said.put(line) for line in stream], daemon=True).start()
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield port, said
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def edit_to_served(root: Path, runs: int) -> list[float]:
    """Seconds from saving an edited decision to `serve` serving the new page."""
    decisions = sorted((root / "content/decisions").glob("*.md"))
    target = decisions[len(decisions) // 2]
    original = target.read_text(encoding="utf-8")
    latencies = []
    try:
        with serving(root) as (port, _said):
            url = f"http://127.0.0.1:{port}/beslut/{target.stem}/"
            for run in range(runs):
                marker = f"Redigerad rubrik {run}"
                text = original.replace("title: ", f"title: {marker} ", 1)
                time.sleep(1.0)
                saved = time.perf_counter()
                target.write_text(text, encoding="utf-8")
                while time.perf_counter() - saved < 120:
                    try:
                        with urllib.request.urlopen(url, timeout=5) as response:
                            if marker in response.read().decode("utf-8"):
                                break
                    except OSError:
                        pass
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - saved)
    finally:
        target.write_text(original, encoding="utf-8")
    return latencies


def edit_to_search_updated(root: Path, runs: int) -> list[float]:
    """Seconds from saving an edited decision to `serve --search` saying that the search
    index has it: the background update of the shards the edit changed (the first edit
    brings words new to the site, so every shard; the others one)."""
    decisions = sorted((root / "content/decisions").glob("*.md"))
    target = decisions[len(decisions) // 3]
    original = target.read_text(encoding="utf-8")
    latencies = []
    try:
        with serving(root, "--search") as (_port, said):
            for run in range(runs):
                time.sleep(1.0)
                while not said.empty():
                    said.get()
                saved = time.perf_counter()
                target.write_text(f"{original.rstrip()}\n\nSökbar rad {run}.\n", encoding="utf-8")
                while time.perf_counter() - saved < 300:
                    try:
                        line = said.get(timeout=1.0)
                    except queue.Empty:
                        continue
                    if "not updated" in line:
                        raise SystemExit(f"serve --search did not update the index: {line}")
                    if line.startswith("Search index updated"):
                        break
                latencies.append(time.perf_counter() - saved)
    finally:
        target.write_text(original, encoding="utf-8")
    return latencies


def bench_hugo(
    root: Path, runs: int, workdir: Path, executable: str, trash: Trash
) -> dict[str, float | int]:
    """Cold builds of the Hugo site equivalent to the corpus in `root` (emitting is not timed)."""
    site_dir = workdir / f"hugo-{root.name}"
    destination = workdir / f"hugo-{root.name}-public"
    hugo.emit(root / "content", root / "data", site_dir)
    times, peaks = [], []
    for _ in range(runs):
        trash.put(*(site_dir / name for name in hugo.CACHES), destination)
        seconds, peak = timed(hugo.hugo_command(site_dir, destination, executable), site_dir)
        times.append(seconds)
        peaks.append(peak)
    return {
        "hugo_build_s": statistics.median(times),
        "hugo_peak_rss_mib": round(max(peaks) / 1024),
        "hugo_pages": sum(1 for _ in destination.rglob("*.html")),
    }


def pagefind_command(site_dir: Path, output: Path) -> list[str]:
    """The Pagefind the build runs (the pinned binary), as a user would run it after Hugo."""
    from insyn.build.search import LANGUAGE, pagefind_binary

    return [str(pagefind_binary()), "--site", str(site_dir), "--output-path", str(output),
            "--force-language", LANGUAGE, "--silent"]  # fmt: skip


def bench_hugo_pagefind(
    root: Path, runs: int, workdir: Path, executable: str, trash: Trash
) -> dict[str, float | int]:
    """Hugo followed by Pagefind on Hugo's output, cold: what a user would pick instead.

    Times are the medians of the sums of the two steps, one run after another; the peak is
    the larger of the two steps' peaks (they run one after the other)."""
    site_dir = workdir / f"hugo-{root.name}"
    destination = workdir / f"hugo-{root.name}-public"
    index = workdir / f"hugo-{root.name}-pagefind"
    times, indexing, peaks = [], [], []
    for _ in range(runs):
        trash.put(*(site_dir / name for name in hugo.CACHES), destination, index)
        built, peak = timed(hugo.hugo_command(site_dir, destination, executable), site_dir)
        indexed, index_peak = timed(pagefind_command(destination, index), workdir)
        times.append(built + indexed)
        indexing.append(indexed)
        peaks.append(max(peak, index_peak))
    return {
        "hugo_pagefind_s": statistics.median(times),
        "hugo_pagefind_index_s": statistics.median(indexing),
        "hugo_pagefind_peak_rss_mib": round(max(peaks) / 1024),
    }


def full_builds(root: Path, runs: int, trash: Trash) -> dict[str, float | int]:
    """The build staff, CI and Netlify run, search included: cold (no output, no cache),
    then warm after a one-line edit of one decision; and Pagefind alone on the output."""
    out, cache = root / "_site", root / ".cache"
    cold, cold_peaks, warm, warm_peaks = [], [], [], []
    for _ in range(runs):
        trash.put(out, cache)
        seconds, peak = timed(site("build"), root)
        cold.append(seconds)
        cold_peaks.append(peak)
    decisions = sorted((root / "content/decisions").glob("*.md"))
    target = decisions[len(decisions) // 3]
    original = target.read_text(encoding="utf-8")
    try:
        for run in range(runs):
            target.write_text(f"{original.rstrip()}\n\nÄndrad rad {run}.\n", encoding="utf-8")
            seconds, peak = timed(site("build"), root)
            warm.append(seconds)
            warm_peaks.append(peak)
    finally:
        target.write_text(original, encoding="utf-8")
    index = root / "_pagefind-alone"
    alone, alone_peaks = [], []
    for _ in range(runs):
        trash.put(index)
        seconds, peak = timed(pagefind_command(out, index), root)
        alone.append(seconds)
        alone_peaks.append(peak)
    trash.put(index)
    return {
        "full_cold_build_s": statistics.median(cold),
        "full_cold_peak_rss_mib": round(max(cold_peaks) / 1024),
        "full_warm_edit_build_s": statistics.median(warm),
        "full_warm_edit_peak_rss_mib": round(max(warm_peaks) / 1024),
        "pagefind_alone_s": statistics.median(alone),
        "pagefind_alone_peak_rss_mib": round(max(alone_peaks) / 1024),
    }


def corpus(n: int, workdir: Path) -> Path:
    root = workdir / f"corpus-{n}"
    if not (root / "content").exists():
        generate(n, root)
    return root


def bench(
    n: int, runs: int, workdir: Path, executable: str | None, trash: Trash
) -> dict[str, object]:
    root = corpus(n, workdir)
    out, cache = root / "_site", root / ".cache"
    os.environ["INSYN_CACHE_DIR"] = str(cache)  # the corpus' own, set aside with its output
    cold, warm, search, peaks = [], [], [], []
    user, system = [], []
    for _ in range(runs):
        trash.put(out, cache)
        seconds, peak = timed(site("build", "--no-search"), root)
        cold.append(seconds)
        peaks.append(peak)
        user.append(last_cpu[0])
        system.append(last_cpu[1])
    cold_peak = max(peaks)
    floor = write_floor(out, workdir, runs, trash)
    versus = bench_hugo(root, runs, workdir, executable, trash) if executable else {}
    for _ in range(runs):
        seconds, peak = timed(site("build", "--no-search"), root)
        warm.append(seconds)
        peaks.append(peak)
    for _ in range(runs):
        with_search, peak = timed(site("build"), root)
        without, _ = timed(site("build", "--no-search"), root)
        search.append(max(0.0, with_search - without))
        peaks.append(peak)
    pages = sum(1 for _ in out.rglob("*.html"))
    edits = edit_to_served(root, runs)
    searched = edit_to_search_updated(root, runs)
    full = full_builds(root, runs, trash)
    both = bench_hugo_pagefind(root, runs, workdir, executable, trash) if executable else {}
    cold_median = statistics.median(cold)
    row: dict[str, object] = {
        "decisions": n,
        "pages": pages,
        "cold_build_s": round(cold_median, 2),
        "cold_user_s": round(statistics.median(user), 1),
        "cold_system_s": round(statistics.median(system), 1),
        "write_floor_s": round(floor, 2),
        "warm_build_s": round(statistics.median(warm), 2),
        "search_index_s": round(statistics.median(search), 2),
        "edit_to_served_ms": round(statistics.median(edits) * 1000),
        "edit_to_search_updated_s": round(statistics.median(searched), 2),
        "edit_to_search_updated_max_s": round(max(searched), 2),
        "pages_per_s_cold": round(pages / cold_median),
        "peak_rss_mib": round(max(peaks) / 1024),
        "runs": runs,
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in full.items()},
    }
    if both:
        row |= {k: round(v, 2) if isinstance(v, float) else v for k, v in both.items()}
        row["ratio_full_vs_hugo_pagefind"] = round(
            full["full_cold_build_s"] / max(both["hugo_pagefind_s"], 1e-9), 2
        )
    if versus:
        row |= {
            "cold_peak_rss_mib": round(cold_peak / 1024),
            "hugo_build_s": round(versus["hugo_build_s"], 2),
            "hugo_peak_rss_mib": versus["hugo_peak_rss_mib"],
            "hugo_pages": versus["hugo_pages"],
            "ratio_vs_hugo": round(versus["hugo_build_s"] / max(cold_median, 1e-9), 2),
        }
    return row


def cold_after_delete(n: int, runs: int, workdir: Path) -> float:
    """Median seconds of cold builds right after deleting the last output and the caches."""
    root = corpus(n, workdir)
    os.environ["INSYN_CACHE_DIR"] = str(root / ".cache")
    times = []
    for _ in range(runs):
        shutil.rmtree(root / "_site", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        times.append(timed(site("build", "--no-search"), root)[0])
    return statistics.median(times)


def hugo_version(executable: str) -> str:
    result = subprocess.run([executable, "version"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or result.stderr.strip()


def sizes() -> list[int]:
    chosen = os.environ.get("BENCH_SIZES", "").strip()
    if chosen:
        return [int(part) for part in chosen.replace(" ", "").split(",") if part]
    return [1000, 10000] + ([100000] if os.environ.get("BENCH_FULL") == "1" else [])


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    workdir = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "insyn-bench"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = Path(os.environ.get("BENCH_RESULTS", RESULTS))
    executable = shutil.which("hugo")
    version = hugo_version(executable) if executable else None
    rows = []
    trash = Trash(workdir / "trash")
    trash.empty()
    chosen = sizes()
    try:
        for n in chosen:
            print(f"benchmarking {n} decisions ...", file=sys.stderr, flush=True)
            rows.append(bench(n, runs, workdir, executable, trash))
        # Last, as deleting makes every later file slower to make for a minute or more.
        for n, row in zip(chosen, rows, strict=True):
            print(f"cold builds of {n} decisions after deleting ...", file=sys.stderr, flush=True)
            row["cold_after_delete_s"] = round(cold_after_delete(n, runs, workdir), 2)
    finally:
        trash.empty()
    if len(rows) >= 2:
        ratio = rows[1]["cold_build_s"] / max(rows[0]["cold_build_s"], 1e-9)  # type: ignore[operator]
        scale = rows[1]["decisions"] / rows[0]["decisions"]  # type: ignore[operator]
        print(f"{scale:g}x decisions -> {ratio:.1f}x cold build time", file=sys.stderr)
    if executable:
        print(f"compared with {version} (ratio_vs_hugo > 1: Insyn's cold build is faster)")
    else:
        print("Hugo comparison skipped: no `hugo` on PATH (install it, e.g. apt-get install hugo)")
    header = list(rows[0])
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[key]) for key in header))
    machine: dict[str, object] = {"cores": os.cpu_count()}
    if version:
        machine["hugo"] = version
    results.write_text(
        json.dumps({"machine": machine, "results": rows}, indent=2) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
