"""Putting the site at `--out`: atomic, tidy, taking turns, and failing in one line.

Faults are injected, not waited for: a build is killed (`os._exit`, so that no
cleanup runs, as under SIGKILL) at each step of the swap in a child process,
or a step raises in this one; then the disk must hold the old site or the new
one at `--out`, and the next build must clean up and equal a clean build byte
for byte. The tests of full and read-only disks mount small tmpfs file systems
and need root; they are skipped, saying so, where mounting is not possible.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from insyn import commands
from insyn.build import incremental, pool, sink, write
from insyn.build.manifest import load_manifest, manifest_path
from insyn.build.write import OutputError, leftovers, lock_path, output_lock
from insyn.cli import BuildOptions
from tests.conftest import ROOT, Corpus
from tests.test_incremental import FUNDING, clean_build, edit_body, tree


@pytest.fixture
def site(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.chdir(corpus.root)
    corpus.project("stod", funding=FUNDING, partners=["framnas"])
    for number in range(3):
        corpus.decision(f"2007-beslut-{number}", body=f"## Bakgrund\n\nText {number}.\n")
    return corpus


def options(out: Path | str = "_site") -> BuildOptions:
    return BuildOptions(Path("content"), Path("data"), Path(out), search=False)


def build(out: Path | str = "_site") -> incremental.Built:
    built = incremental.build(options(out))
    assert built.ok, [str(p) for p in built.result.problems]
    return built


def assert_tidy(out: Path) -> None:
    """Nothing beside `out` but `out`: no staging or retired folder, no lock file."""
    assert leftovers(out.resolve()) == []
    assert not lock_path(out.resolve()).exists()


# --- the exchange itself ------------------------------------------------------------------


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "one").write_text("1")
    (second / "two").write_text("2")
    if not write.exchange(first, second):
        pytest.skip("this system cannot exchange two paths (renameat2 RENAME_EXCHANGE)")
    assert [p.name for p in first.iterdir()] == ["two"]
    assert [p.name for p in second.iterdir()] == ["one"]
    with pytest.raises(FileNotFoundError):
        write.exchange(first, tmp_path / "missing")


# --- killed at each step ------------------------------------------------------------------

#: Run in a child: a build killed at the step given, as by SIGKILL (no cleanup runs).
KILLER = """
import os, shutil, sys
from pathlib import Path
from insyn.build import incremental
from insyn.build import write

from insyn.cli import main

step, mode = sys.argv[1], sys.argv[2]
real_exchange, real_rename, real_rmtree = write.exchange, os.rename, shutil.rmtree
real_forget, real_save = incremental.forget_manifest, incremental.save_manifest

def die():
    os._exit(137)

def exchange(first, second):
    if mode == "fallback":
        return False
    if step == "exchange:before":
        die()
    done = real_exchange(first, second)
    if step == "exchange:after":
        die()
    return done

def rename(source, target):
    aside, into = Path(target).name.startswith("._site.old-"), Path(target).name == "_site"
    spare = Path(target).name.startswith("spare-")  # the old site, kept in the cache
    if (step == "aside:before" and aside) or (step == "rename:before" and into):
        die()
    if step == "retire:before" and spare:
        die()
    real_rename(source, target)
    if (step == "aside:after" and aside) or (step == "rename:after" and into):
        die()
    if step == "retire:after" and spare:
        die()

def rmtree(path, *args, **kwargs):
    if step == "remove:partly" and Path(path).name.startswith("._site.new-"):
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for done in files[: len(files) // 2]:
            done.unlink()
        die()
    real_rmtree(path, *args, **kwargs)

def forget(out):
    real_forget(out)
    if step == "forget:after":
        die()

def save(out, manifest):
    if step == "save:before":
        die()
    real_save(out, manifest)

write.exchange, os.rename, shutil.rmtree = exchange, rename, rmtree
if step == "remove:partly":
    incremental.keep_spare = lambda *args: False  # the old site removed, not kept
incremental.forget_manifest, incremental.save_manifest = forget, save
sys.exit(main(["build", "--no-search", "--quiet"]))
"""

#: step -> (how the swap is made, what is at `--out` after the kill)
KILLS = {
    "forget:after": ("exchange", "old"),
    "exchange:before": ("exchange", "old"),
    "exchange:after": ("exchange", "new"),
    "remove:partly": ("exchange", "new"),
    "retire:before": ("exchange", "new"),
    "retire:after": ("exchange", "new"),
    "save:before": ("exchange", "new"),
    "aside:before": ("fallback", "old"),
    "aside:after": ("fallback", "retired"),
    "rename:after": ("fallback", "new"),
    "first build, rename:before": ("exchange", None),
}


def kill_build_at(step: str, mode: str, cwd: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", KILLER, step, mode]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 137, done.stderr


@pytest.mark.parametrize("case", list(KILLS))
def test_a_build_killed_at_any_step_leaves_a_site_and_the_next_build_tidies(
    site: Corpus, case: str
) -> None:
    mode, expected = KILLS[case]
    step = case.rpartition(" ")[2]
    build()
    old = tree(site.out)
    edit_body(site)
    new = clean_build()
    assert new != old
    if case.startswith("first build"):
        shutil.rmtree(site.out)
    kill_build_at(step, mode, site.root)

    if expected == "retired":
        # Without an exchange, the one moment with no `--out`: the next build, as soon as
        # it holds the lock, puts the old site back before it reads anything.
        assert not site.out.exists()
        (retired,) = [p for p in leftovers(site.out) if ".old-" in p.name]
        assert tree(retired) == old
        with output_lock(site.out):
            assert tree(site.out) == old
    elif expected is None:
        assert not site.out.exists()
    else:
        assert tree(site.out) == (old if expected == "old" else new)

    build()
    assert tree(site.out) == new
    assert_tidy(site.out)


# --- failures raised in this process ------------------------------------------------------


def eio(*args: object) -> bool:
    raise OSError(errno.EIO, os.strerror(errno.EIO))


def test_a_failed_exchange_keeps_the_site_and_the_manifest_and_the_next_build_is_warm(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = build()
    old, manifest = tree(site.out), load_manifest(site.out)
    assert manifest is not None and manifest_path(site.out).is_file()
    edit_body(site)
    with monkeypatch.context() as patch:
        patch.setattr(write, "exchange", eio)
        with pytest.raises(OutputError, match="cannot write to _site: input/output error"):
            incremental.build(options())
    assert tree(site.out) == old
    assert load_manifest(site.out) == manifest  # the old site's, written back
    assert_tidy(site.out)
    warm = build()
    assert 0 < warm.rendered < full.rendered
    assert tree(site.out) == clean_build()


def test_without_an_exchange_a_failed_rename_puts_the_old_site_back(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    build()
    old = tree(site.out)
    edit_body(site)
    rename = os.rename

    def failing(source: str, target: str) -> None:
        if Path(source).name.startswith("._site.new-") and Path(target).name == "_site":
            raise OSError(errno.EIO, os.strerror(errno.EIO), target)
        rename(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(write, "exchange", lambda first, second: False)
        patch.setattr(os, "rename", failing)
        with pytest.raises(OutputError):
            incremental.build(options())
    assert tree(site.out) == old
    assert_tidy(site.out)
    with monkeypatch.context() as patch:
        patch.setattr(write, "exchange", lambda first, second: False)
        build()
    assert tree(site.out) == clean_build()
    assert_tidy(site.out)


def test_an_out_that_cannot_be_renamed_is_synced_file_by_file(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EBUSY (a bind mount that `ismount` does not see) or EXDEV: copied in, not swapped."""
    build()
    (site.out / "gammal.html").write_text("stale")
    (site.out / "gammal").mkdir()
    (site.out / "gammal/sida.html").write_text("stale")
    edit_body(site)
    inode = site.out.stat().st_ino

    def busy(first: Path, second: Path) -> bool:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    monkeypatch.setattr(write, "exchange", busy)
    build()
    assert site.out.stat().st_ino == inode
    assert tree(site.out) == clean_build()
    assert_tidy(site.out)
    assert build().rendered == 0  # what the manifest says is what the sync left


def test_a_write_failure_is_one_line_and_exit_1(
    site: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build()
    old = tree(site.out)
    edit_body(site)
    monkeypatch.setattr(write, "exchange", eio)
    assert commands.build(options()) == 1
    error = capsys.readouterr().err
    assert error == "error: cannot write to _site: input/output error\n"
    assert tree(site.out) == old


def test_a_full_disk_met_in_a_render_worker_is_one_line_too(
    site: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked worker writes its own files: its OSError reaches this process as text."""
    build()
    old = tree(site.out)
    site.site["title"] = "Ny titel: allt renderas om"
    site.write_data()
    main = os.getpid()
    real = sink._write_new

    def full(target: Path, data: bytes) -> os.stat_result:
        if os.getpid() != main:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        time.sleep(0.02)  # leave the worker pages of its own to write
        return real(target, data)

    monkeypatch.setattr(pool, "workers", lambda: 2)
    monkeypatch.setattr(pool, "PARALLEL_MINIMUM", 0)
    monkeypatch.setattr(sink, "_write_new", full)
    with pytest.raises(OutputError, match=r"no space left on device writing _site \(about \d+ MB"):
        incremental.build(options())
    assert tree(site.out) == old


# --- what builds leave beside --out, and modes --------------------------------------------


def test_leftovers_of_killed_builds_are_removed_or_put_back(site: Corpus) -> None:
    build()
    old = tree(site.out)
    staging = site.root / "._site.new-dead"
    (staging / "beslut").mkdir(parents=True)
    (staging / "beslut/index.html").write_text("half")
    (site.root / "._site.old-dead").mkdir()
    (site.root / "._site.lock").write_text("")  # a killed build's, unlocked by the kernel
    build()
    assert tree(site.out) == old
    assert_tidy(site.out)
    # insyn before the lock retired the site one level down, and could die with it there
    legacy = site.root / "._site.old-legacy"
    legacy.mkdir()
    site.out.rename(legacy / "site")
    with output_lock(site.out):
        assert tree(site.out) == old
    assert_tidy(site.out)


def test_the_gitignore_ignores_what_builds_leave() -> None:
    paths = ["._site.new-1a2b/beslut/index.html", "._site.old-1a2b/index.html", "._site.lock"]
    paths.append(".public.new-1a2b/index.html")  # any --out
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        input="\n".join(paths),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):
        pytest.skip(f"git check-ignore: {done.stderr.strip()}")
    assert done.stdout.splitlines() == paths


@pytest.mark.parametrize(
    ("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)]
)
def test_the_site_has_the_modes_the_umask_gives(
    site: Corpus, umask: int, folder: int, file: int
) -> None:
    previous = os.umask(umask)
    try:
        build()
        edit_body(site)
        build()  # swapped in over an old site too
    finally:
        os.umask(previous)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [site.out, *site.out.rglob("*")] if p.is_dir()}
    assert modes == {folder}
    assert {stat.S_IMODE(p.stat().st_mode) for p in site.out.rglob("*") if p.is_file()} == {file}


# --- two builds at once -------------------------------------------------------------------


def start_build(cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, str(ROOT / "site.py"), "build", "--no-search", "--quiet"]
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_builds_into_one_folder_at_once_both_succeed(site: Corpus) -> None:
    build()
    edit_body(site)
    first, second = start_build(site.root), start_build(site.root)
    for process in (first, second):
        _, error = process.communicate(timeout=120)
        assert process.returncode == 0, error
    assert tree(site.out) == clean_build()
    assert_tidy(site.out)


def test_a_build_waits_while_another_holds_the_lock(site: Corpus) -> None:
    build()
    edit_body(site)
    with output_lock(site.out):
        waiting = start_build(site.root)
        time.sleep(2.0)
        assert waiting.poll() is None, waiting.communicate()
    _, error = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, error
    assert tree(site.out) == clean_build()
    assert_tidy(site.out)


#: Run in a child: a build that forks (as the renderers do) and is killed with the lock held.
FORKER = """
import os, sys, time
from pathlib import Path
from insyn.build.write import output_lock

with output_lock(Path("_site")):
    child = os.fork()
    if child == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    os._exit(137)
"""


def test_a_forked_process_that_outlives_a_killed_build_holds_no_lock(site: Corpus) -> None:
    build()
    edit_body(site)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", FORKER]
    killed = subprocess.run(command, cwd=site.root, env=env, capture_output=True, text=True)
    assert killed.returncode == 137, killed.stderr
    orphan = int(killed.stdout)
    try:
        started = time.monotonic()
        result = site.run("build", "--no-search")
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 30
    finally:
        os.kill(orphan, 9)
    assert tree(site.out) == clean_build()
    assert_tidy(site.out)


# --- real file systems: read-only, full, a mount point as --out ---------------------------


@contextmanager
def tmpfs(path: Path, size: str = "8m") -> Iterator[Path]:
    """A small tmpfs mounted at `path` for the test, unmounted after."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount(path: Path, flags: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{flags}", str(path)], check=True)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_read_only_folder_for_out_fails_in_one_line(site: Corpus) -> None:
    with tmpfs(site.root / "ro") as parent, tmpfs(parent / ".cache"):
        out = parent / "_site"
        assert site.run("build", "--no-search", "--out", str(out)).returncode == 0
        old, manifest = tree(out), manifest_path(out).read_bytes()
        edit_body(site)
        remount(parent, "ro")
        line = one_error_line(site.run("build", "--no-search", "--out", str(out)))
        assert line == f"error: cannot write to {out}: read-only file system"
        assert tree(out) == old
        assert manifest_path(out).read_bytes() == manifest
        remount(parent, "rw")
        assert site.run("build", "--no-search", "--out", str(out)).returncode == 0
        assert tree(out) == clean_build()


def test_a_full_disk_fails_in_one_line_and_the_next_build_is_warm(site: Corpus) -> None:
    with tmpfs(site.root / "disk", "4m") as parent, tmpfs(parent / ".cache"):
        out = parent / "_site"
        full = build(out)
        old, manifest = tree(out), manifest_path(out).read_bytes()
        filler = parent / "filler"
        with filler.open("wb", buffering=0) as stream:
            with pytest.raises(OSError) as raised:
                while True:
                    stream.write(b"\0" * 65536)
                    stream.flush()
            assert raised.value.errno == errno.ENOSPC
        edit_body(site)
        line = one_error_line(site.run("build", "--no-search", "--out", str(out)))
        assert line.startswith(f"error: no space left on device writing {out} (about "), line
        assert line.endswith(" MB needed)")
        assert tree(out) == old
        assert manifest_path(out).read_bytes() == manifest
        assert_tidy(out)
        filler.unlink()
        warm = build(out)
        assert 0 < warm.rendered < full.rendered
        assert tree(out) == clean_build()


def test_a_mount_point_as_out_is_built_into(site: Corpus) -> None:
    with tmpfs(site.out):
        (site.out / "gammal.html").write_text("stale")
        (site.out / "gammal/djup").mkdir(parents=True)
        (site.out / "gammal/djup/sida.html").write_text("stale")
        result = site.run("build", "--no-search")
        assert result.returncode == 0, result.stderr
        assert os.path.ismount(site.out)
        assert tree(site.out) == clean_build()
        assert_tidy(site.out)
        edit_body(site)
        assert build().rendered > 0
        assert tree(site.out) == clean_build()
        assert build().rendered == 0  # the manifest describes the synced files
        remount(site.out, "ro")
        site.decision("2007-beslut-0", body="## Bakgrund\n\nIgen ny.\n")
        old, manifest = tree(site.out), manifest_path(site.out).read_bytes()
        line = one_error_line(site.run("build", "--no-search"))
        assert line == "error: cannot write to _site: read-only file system"
        assert tree(site.out) == old
        assert manifest_path(site.out).read_bytes() == manifest
        assert_tidy(site.out)
