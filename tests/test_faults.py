"""Faults and odd input: nothing local published, no number misread, no cache trusted.

Each case was found by trying the site as an attacker, a careless editor or a
damaged disk would; each test fails on the code before the fix.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from insyn.build import cachefile
from insyn.build.bodycache import CACHE_FILE
from insyn.build.manifest import SOURCE_CACHE, cache_folder, cache_root, manifest_path
from insyn.sources.files import UnsafeFile, read_project_file
from tests.conftest import ROOT, Corpus, run_project
from tests.test_incremental import build, clean_build, tree

SECRET = "insyn-test-secret-7f3a9c"
FUNDING = [{"from": "lansstyrelsen", "amount": 100000, "year": 2007, "status": "granted"}]


@pytest.fixture
def site(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.chdir(corpus.root)
    for number in range(3):
        corpus.decision(
            f"2007-beslut-{number}",
            body=f"## Utbildning\n\nUtbildning om våld i nära relationer, del {number}.\n",
            funding=FUNDING,
        )
    return corpus


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def refused(run: Callable[..., subprocess.CompletedProcess[str]], *says: str) -> None:
    """`check` and `build` both end in exit 1, with no traceback and every one of `says`
    among the lines they print."""
    for command in (["check"], ["build", "--no-search", "--quiet"]):
        result = run(*command)
        no_traceback(result)
        assert result.returncode == 1
        for words in says:
            assert words in result.stdout + result.stderr


# --- Only the project's own regular files are read or published ---------------------------


def run_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`run_project` with a secret in the environment, which no page may ever show."""
    return run_project(project, *args, env={"INSYN_SECRET": SECRET})


def published(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("/proc/self/environ", "outside the project"),
        ("/etc/passwd", "outside the project"),
        ("/dev/zero", "outside the project"),
        ("../../../outside.txt", "outside the project"),
        ("nowhere.pdf", "which does not exist"),
        ("x.pdf", "loops back on itself"),
    ],
)
def test_a_symlink_in_assets_out_of_the_project_is_an_error(
    project: Path, target: str, says: str
) -> None:
    (project.parent / "outside.txt").write_text(f"not for publishing {SECRET}")
    first = run_in(project, "build", "--no-search", "--quiet")
    assert first.returncode == 0, first.stderr
    before = tree(project / "_site")
    (project / "assets/dokument").mkdir(parents=True, exist_ok=True)
    (project / "assets/dokument/x.pdf").symlink_to(target)
    refused(
        lambda *command: run_in(project, *command),
        "assets/dokument/x.pdf:1: error: is a symbolic link",
        says,
    )
    assert tree(project / "_site") == before
    assert SECRET.encode() not in published(project / "_site")
    assert b"root:x:0:0" not in published(project / "_site")


def test_special_files_in_assets_are_errors_before_anything_is_read(project: Path) -> None:
    (project / "assets/dokument").mkdir(parents=True, exist_ok=True)
    os.mkfifo(project / "assets/dokument/pipe.pdf")
    (project / "assets/bilder").symlink_to(project / "assets")  # a folder that loops
    result = run_in(project, "build", "--no-search", "--quiet")
    no_traceback(result)
    assert result.returncode == 1
    assert "assets/dokument/pipe.pdf:1: error: is a named pipe (FIFO)" in result.stderr
    assert "assets/bilder:1: error: is a folder" in result.stderr
    assert not (project / "_site").exists()


def test_a_symlink_to_a_file_of_the_project_is_published(project: Path) -> None:
    (project / "assets/dokument").mkdir(parents=True, exist_ok=True)
    (project / "assets/dokument/guide.txt").symlink_to("../../data/site.yaml")
    result = run_in(project, "build", "--no-search", "--quiet")
    assert result.returncode == 0, result.stderr
    site_yaml = (project / "data/site.yaml").read_bytes()
    assert (project / "_site/assets/dokument/guide.txt").read_bytes() == site_yaml


def special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "outside":
        path.symlink_to("/etc/passwd")
    else:
        path.symlink_to(kind)


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("fifo", "is a named pipe (FIFO), but a file was expected here"),
        ("/dev/zero", "is a symbolic link to /dev/zero, outside the project"),
        ("/dev/urandom", "is a symbolic link to /dev/urandom, outside the project"),
        ("outside", "is a symbolic link to /etc/passwd, outside the project"),
        ("loop", "is a symbolic link that loops back on itself"),
    ],
)
@pytest.mark.parametrize("where", ["content/decisions/x.md", "data/organisations.yaml"])
def test_special_content_and_data_files_are_errors_not_hangs(
    site: Corpus, kind: str, says: str, where: str
) -> None:
    path = site.root / where
    path.unlink(missing_ok=True)
    special(path, kind)
    refused(site.run, f"{where}:1: error: {says}")  # the subprocess' timeout fails a hang


def test_reads_are_bounded_whatever_stat_says() -> None:
    """Files under /proc say they are 0 bytes long."""
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(UnsafeFile, match="more than 100 bytes"):
        read_project_file(Path("/proc/self/status"), Path("/"), 100)
    assert b"Name:" in read_project_file(Path("/proc/self/status"), Path("/"), 1 << 20)


# --- Numbers as staff mean them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("0100000", "write 100000, without a leading zero"),
        ("1:30:00", "without ':'"),
        ("0x10", "plain decimal digits"),
        ("100000.0", "write 100000, without decimals"),
        ("1e9", "write 1000000000"),
    ],
)
def test_an_amount_in_another_notation_is_never_published(
    site: Corpus, written: str, hint: str
) -> None:
    path = site.content / "decisions/2007-beslut-0.md"
    path.write_text(path.read_text().replace("amount: 100000", f"amount: {written}"))
    result = site.run("build", "--no-search")
    no_traceback(result)
    assert result.returncode == 1
    assert "2007-beslut-0.md:8: error: funding[0].amount" in result.stderr
    assert hint in result.stderr
    assert not site.out.exists()


@pytest.mark.parametrize("written", ["02007", "20_07", "2007.0", "0o3727"])
def test_a_year_in_another_notation_is_an_error(site: Corpus, written: str) -> None:
    path = site.content / "decisions/2007-beslut-0.md"
    path.write_text(path.read_text().replace("year: 2007", f"year: {written}"))
    result = site.run("check")
    assert result.returncode == 1
    assert "funding[0].year must be a whole number in plain digits" in result.stdout


@pytest.mark.parametrize("meeting", ["9999-12-31", "0000-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_an_error_in_check_not_a_crash(
    site: Corpus, meeting: str
) -> None:
    site.decision("2007-beslut-0", meeting=meeting, funding=FUNDING)
    refused(site.run, f"meeting: '{meeting}': the year must be between 1900 and 2100")


def test_a_raw_control_byte_in_front_matter_is_reported_at_its_line(site: Corpus) -> None:
    site.raw("decisions/x.md", "---\ntitle: T\ndistrict: skarholmen\nkind: other\nx: a\x1bb\n---\n")
    result = site.run("check")
    assert "content/decisions/x.md:5: error: text contains the control character U+001B" in (
        result.stdout
    )


# --- Caches that cannot poison a build -------------------------------------------------------


def flip_letters(path: Path, count: int = 40) -> None:
    """Change `count` lowercase letters after the file's header, as a bad disk block would."""
    data = bytearray(path.read_bytes())
    start = len(cachefile.MAGIC) + 64
    places = [i for i in range(start, len(data)) if 0x61 <= data[i] <= 0x79][::7][:count]
    assert len(places) == count
    for index in places:
        data[index] += 1
    path.write_bytes(bytes(data))


def foreign_pickle(path: Path) -> None:
    """A sealed file whose pickle names a module that does not exist."""
    path.write_bytes(cachefile.seal(b"cnosuchmodule\nThing\n)\x81."))


def wrong_shape(path: Path) -> None:
    path.write_bytes(cachefile.seal(pickle.dumps(["a", "list"])))


def garbage(path: Path) -> None:
    path.write_bytes(b"not a cache at all\n" * 10)


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("x")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (flip_letters, "do not match their digest"),
        (foreign_pickle, "cannot be read (ModuleNotFoundError"),
        (wrong_shape, "holds list"),
        (garbage, "not a cache file of this version"),
        (fifo, "is a named pipe (FIFO)"),
        (truncated, "do not match their digest"),
        (folder, "cache ignored"),
    ],
)
@pytest.mark.parametrize("name", [CACHE_FILE, SOURCE_CACHE, "manifest"])
def test_a_damaged_cache_is_ignored_with_one_line_and_the_build_equals_a_clean_one(
    site: Corpus, capsys: pytest.CaptureFixture[str], damage: object, says: str, name: str
) -> None:
    build()
    path = manifest_path(site.out) if name == "manifest" else cache_folder(site.out) / name
    assert path.is_file()
    path_text = site.content / "decisions/2007-beslut-1.md"
    path_text.write_text(path_text.read_text().replace("del 1", "del ett"))
    capsys.readouterr()
    damage(path)  # type: ignore[operator]
    built = build()
    err = capsys.readouterr().err
    assert f"cache ignored: {path}: " in err and says in err
    assert len([line for line in err.splitlines() if line.startswith("cache ")]) <= 3
    assert built.rendered > 0
    assert tree(site.out) == clean_build()
    assert "del ett" in (site.out / "beslut/2007-beslut-1/index.html").read_text()


def test_bit_flips_in_the_markdown_cache_never_reach_a_page(site: Corpus) -> None:
    """The reported case: 40 flipped letters that still unpickle published "Utcildning"."""
    build()
    path = cache_folder(site.out) / CACHE_FILE
    payload_start = len(cachefile.MAGIC) + 64
    data = bytearray(path.read_bytes())
    body = data.index(b"Utbildning", payload_start)
    data[body + 2] = ord("c")
    path.write_bytes(bytes(data))
    shutil.rmtree(site.out)
    build()
    html = (site.out / "beslut/2007-beslut-0/index.html").read_text()
    assert "Utbildning om" in html and "Utcildning" not in html


def test_a_cache_that_cannot_be_saved_costs_speed_not_the_build(
    site: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    build()
    path = cache_folder(site.out) / CACHE_FILE
    path.unlink()
    path.mkdir()
    (path / "blocker").write_text("x")
    site.decision("2007-beslut-9", body="## Ny\n\nNy text.\n")
    build()
    err = capsys.readouterr().err
    assert f"cache not saved: {path}: " in err
    assert tree(site.out) == clean_build()


def test_a_cache_written_by_other_code_is_passed_over_in_silence(
    site: Corpus, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build()
    monkeypatch.setattr(cachefile, "code_key", lambda: b"\0" * 32)
    capsys.readouterr()
    built = build()
    assert "cache" not in capsys.readouterr().err
    assert built.rendered == built.files - len([p for p in tree(site.out) if "assets/" in p])


def test_an_edit_that_keeps_size_and_modification_time_is_seen(site: Corpus) -> None:
    """`touch -r`: what git's stat check catches through the inode's change time."""
    for path in [*site.content.rglob("*.md"), *site.data.iterdir()]:
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))
    build()
    assert build().skipped
    path = site.content / "decisions/2007-beslut-2.md"
    info = path.stat()
    path.write_text(path.read_text().replace("del 2", "del X"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    again = build()
    assert not again.skipped
    assert "del X" in (site.out / "beslut/2007-beslut-2/index.html").read_text()


@pytest.mark.parametrize(
    "command",
    [
        ["new", "decision", "--district", "skarholmen", "--title", "Ny"],
        ["import", str(ROOT / "tests/fixtures/seeds/001_3445a91312bdc4a2.txt")],
    ],
)
def test_new_and_import_read_the_organisations_as_safely_as_build(
    site: Corpus, command: list[str]
) -> None:
    organisations = site.data / "organisations.yaml"
    organisations.unlink()
    os.mkfifo(organisations)
    result = site.run(*command)  # the subprocess' timeout fails a hang
    no_traceback(result)
    assert result.returncode == 1
    assert "data/organisations.yaml:1: error: cannot read: is a named pipe (FIFO)" in (
        result.stderr
    )


def test_a_read_only_cache_costs_speed_not_the_build(site: Corpus) -> None:
    from tests.test_swap import remount, tmpfs

    with tmpfs(cache_root()) as cache:
        assert site.run("build", "--no-search").returncode == 0
        site.decision("2007-beslut-9", body="## Ny\n\nNy text.\n")
        remount(cache, "ro")
        result = site.run("build", "--no-search")
        no_traceback(result)
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("cache not ") for line in lines), lines
        assert any("Read-only file system" in line for line in lines)
        assert tree(site.out) == clean_build()


def test_a_cache_of_an_earlier_version_is_passed_over_in_silence(
    site: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unsealed pickles, as versions before the seal wrote them: out of date, not damaged."""
    build()
    for path in cache_folder(site.out).iterdir():
        path.write_bytes(pickle.dumps({"entries": {}}, protocol=4))
    capsys.readouterr()
    build()
    assert "cache" not in capsys.readouterr().err
    assert tree(site.out) == clean_build()


@pytest.mark.parametrize("folder", ["content/decisions", "data"])
def test_a_linked_folder_does_not_bring_its_files_into_the_project(
    site: Corpus, tmp_path_factory: pytest.TempPathFactory, folder: str
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "real"
    shutil.move(site.root / folder, elsewhere)
    (site.root / folder).symlink_to(elsewhere)
    refused(site.run, f"is in a folder that leads to {elsewhere}, outside the project")
    assert not site.out.exists()


def test_a_linked_assets_folder_out_of_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "assets"
    shutil.move(project / "assets", elsewhere)
    (elsewhere / "hemlig.txt").write_text(SECRET)
    (project / "assets").symlink_to(elsewhere)
    result = run_in(project, "build", "--no-search", "--quiet")
    no_traceback(result)
    assert result.returncode == 1
    assert "assets/hemlig.txt:1: error: is in a folder that leads to" in result.stderr
    assert not (project / "_site").exists()


def test_an_asset_too_large_to_publish_is_an_error_in_check(project: Path) -> None:
    with (project / "assets/stor.pdf").open("wb") as big:
        big.truncate(101 * 1024 * 1024)  # sparse: no disk used
    refused(
        lambda *command: run_in(project, *command),
        "assets/stor.pdf:1: error: file is too large (105906176 bytes",
    )


def test_an_edit_of_a_linked_asset_reaches_the_site(project: Path) -> None:
    (project / "styles").mkdir()
    shutil.move(project / "assets/sok.css", project / "styles/sok.css")
    (project / "assets/sok.css").symlink_to("../styles/sok.css")
    assert run_in(project, "build", "--no-search", "--quiet").returncode == 0
    with (project / "styles/sok.css").open("a") as css:
        css.write("/* ändrad */\n")
    assert run_in(project, "build", "--no-search", "--quiet").returncode == 0
    published = list((project / "_site/assets").glob("sok.*.css"))
    assert len(published) == 1 and "ändrad" in published[0].read_text()


def test_a_dangling_link_is_reported_at_its_own_path(site: Corpus) -> None:
    (site.content / "decisions/borta.md").symlink_to("finns-inte.md")
    result = site.run("check")
    assert result.returncode == 1
    assert (
        "content/decisions/borta.md:1: error: is a symbolic link to 'finns-inte.md', "
        "which does not exist"
    ) in result.stdout


def test_import_refuses_a_fifo_instead_of_hanging(site: Corpus) -> None:
    os.mkfifo(site.root / "dokument.txt")
    result = site.run("import", "dokument.txt")
    no_traceback(result)
    assert result.returncode == 1
    assert "is a named pipe (FIFO)" in result.stderr


@pytest.mark.parametrize("out", [".", "..", "content", "data/site.yaml", "fil.txt"])
def test_an_output_folder_that_would_replace_the_project_is_refused(site: Corpus, out: str) -> None:
    (site.root / "fil.txt").write_text("behåll mig")
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    result = site.run("build", "--no-search", "--out", out)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot build into {(site.root / out).resolve()}: ")
    assert {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()} == before
