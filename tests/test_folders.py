"""Result folders never lose anything: what is replaced, what is refused, what a crash leaves.

Crashes are real ones: the write runs in a forked child that dies with
``os._exit`` after a given step (as ``kill -9`` would), or receives SIGINT
or SIGTERM there; the parent then looks at what is on disk and runs the
next write, as the user's next run would.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe import OutputError, folders
from kaohe.cli import main
from kaohe.folders import Streamed, not_ours, recover, write_folder
from kaohe.manifest import listed_files, sha256

STEPS = ("recovered", "staged", "sealed", "moved-aside", "in-place", "cleaned")


def result(label: str) -> dict[str, bytes]:
    """A small result: two files and a manifest naming ``label``."""
    return {
        "units.csv": f"unit_id,label\nU1,{label}\n".encode(),
        "notes.csv": f"run,{label}\n".encode(),
        "manifest.json": json.dumps({"kind": "test", "label": label}).encode(),
    }


def label_of(folder: Path) -> str:
    assert not_ours(folder) is None
    return str(json.loads((folder / "manifest.json").read_text())["label"])


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "o"
    write_folder(folder, result("earlier"))
    return folder


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose digests are read, in turn."""
    names: list[str] = []
    real = folders.file_sha256
    monkeypatch.setattr(folders, "file_sha256", lambda path: names.append(path.name) or real(path))
    return names


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


# -- what is replaced and what is refused --------------------------------------------------


def test_the_reported_case_a_manifest_and_notes_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}\n")
    (folder / "notes.txt").write_text("keep\n")
    result_ = CliRunner().invoke(main, ["score", str(COUNTY), "--out", str(folder)])
    assert result_.exit_code == 1
    assert "is not a result folder that kaohe wrote (its manifest.json does not list the files" in (
        result_.output
    )
    assert "kaohe replaces only its own results and has changed nothing" in result_.output
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "notes.txt"]
    assert (folder / "notes.txt").read_text() == "keep\n"
    assert leftovers(folder) == []


def test_score_refuses_a_folder_it_did_not_write_before_reading_any_data(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep\n")
    (tmp_path / "empty").mkdir()  # data that would be refused too, after loading
    args = ["score", str(COUNTY), "--out", str(folder), "--data", str(tmp_path / "empty")]
    result_ = CliRunner().invoke(main, args)
    assert result_.exit_code == 1
    assert f"{folder}: is not a result folder that kaohe wrote (it holds files and no" in (
        result_.output
    )
    assert "missing required table" not in result_.output


def test_a_result_kaohe_wrote_is_replaced(out: Path) -> None:
    assert label_of(out) == "earlier"
    write_folder(out, result("later"))
    assert label_of(out) == "later"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "notes.csv", "units.csv"]
    assert leftovers(out) == []
    assert listed_files((out / "manifest.json").read_bytes()) is not None


#: Streamed files' rows: unknown (written on threads), few (on the calling thread alone)
ROWS = pytest.mark.parametrize("rows", [None, 3], ids=["threads", "alone"])


@ROWS
def test_a_streamed_file_is_written_and_sealed_as_its_bytes(
    tmp_path: Path, rows: int | None
) -> None:
    whole = result("streamed")
    chunks = [b"unit_id,label\n", memoryview(b"U1,"), b"", b"streamed\n"] * 3
    streamed = {**whole, "units.csv": Streamed(lambda: iter(chunks), rows)}
    write_folder(tmp_path / "bytes", {**whole, "units.csv": b"".join(chunks)})
    write_folder(tmp_path / "streamed", streamed)
    for name in ("units.csv", "notes.csv", "manifest.json"):
        assert (tmp_path / "streamed" / name).read_bytes() == (
            tmp_path / "bytes" / name
        ).read_bytes()
    listed = listed_files((tmp_path / "streamed" / "manifest.json").read_bytes())
    assert listed == {
        "notes.csv": sha256(whole["notes.csv"]),
        "units.csv": sha256(b"".join(chunks)),
    }


def test_the_next_streamed_file_is_begun_while_one_is_written(tmp_path: Path) -> None:
    second_begun = threading.Event()

    def first() -> Iterator[bytes]:
        yield b"a\n"
        assert second_begun.wait(5), "the second file was not begun meanwhile"
        yield b"b\n"

    def second() -> Iterator[bytes]:
        second_begun.set()
        yield b"c\n"

    files = {**result("x"), "first.csv": Streamed(first), "second.csv": Streamed(second)}
    write_folder(tmp_path / "o", files)
    assert (tmp_path / "o" / "first.csv").read_bytes() == b"a\nb\n"
    assert (tmp_path / "o" / "second.csv").read_bytes() == b"c\n"


def test_a_file_begun_sooner_is_written_before_a_long_one_before_it(tmp_path: Path) -> None:
    short_written = threading.Event()

    def long() -> Iterator[bytes]:  # its columns take long to make
        assert short_written.wait(5), "the short file waited for the long one before it"
        yield b"l\n"

    def short() -> Iterator[bytes]:
        yield b"s\n"
        short_written.set()  # its last chunk taken: written

    files = {**result("x"), "long.csv": Streamed(long), "short.csv": Streamed(short)}
    write_folder(tmp_path / "o", files)
    assert (tmp_path / "o" / "long.csv").read_bytes() == b"l\n"
    assert (tmp_path / "o" / "short.csv").read_bytes() == b"s\n"
    listed = listed_files((tmp_path / "o" / "manifest.json").read_bytes())
    assert listed is not None
    assert list(listed) == sorted(listed)  # the manifest lists them by name, as before


@pytest.mark.parametrize(
    ("rows", "threads"),
    [
        (None, True),  # unknown
        (folders.ALONE_BELOW_ROWS, True),
        (folders.ALONE_BELOW_ROWS - 1, False),
    ],
)
def test_a_small_folder_is_made_and_written_on_the_calling_thread_alone(
    tmp_path: Path, rows: int | None, threads: bool
) -> None:
    made_on: list[str] = []

    def chunks() -> Iterator[bytes]:
        made_on.append(threading.current_thread().name)
        yield b"a\n"
        made_on.append(threading.current_thread().name)
        yield b"b\n"

    files = {**result("x"), "first.csv": Streamed(chunks, rows), "second.csv": Streamed(chunks, 0)}
    write_folder(tmp_path / "o", files)
    assert (tmp_path / "o" / "first.csv").read_bytes() == b"a\nb\n"
    assert (tmp_path / "o" / "second.csv").read_bytes() == b"a\nb\n"
    here = threading.current_thread().name
    assert (made_on.count(here) < len(made_on)) is threads, made_on


def test_large_whole_files_are_hashed_on_a_thread_beside_small_streamed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed_on: list[str] = []
    real = folders.digests

    def recording(files: Mapping[str, bytes]) -> dict[str, str]:
        hashed_on.append(threading.current_thread().name)
        return real(files)

    monkeypatch.setattr(folders, "digests", recording)
    small = sum(len(content) for name, content in result("x").items() if name != "manifest.json")
    monkeypatch.setattr(folders, "ALONE_BELOW_BYTES", small + 1)  # result("xx") is 2 bytes more
    write_folder(tmp_path / "small", {**result("x"), "s.csv": Streamed(lambda: [b"s\n"], 1)})
    write_folder(tmp_path / "large", {**result("xx"), "s.csv": Streamed(lambda: [b"s\n"], 1)})
    here = threading.current_thread().name
    assert [name == here for name in hashed_on] == [True, False]
    assert (tmp_path / "large" / "notes.csv").read_bytes() == result("xx")["notes.csv"]


@ROWS
def test_a_streamed_file_that_fails_leaves_the_earlier_result(out: Path, rows: int | None) -> None:
    def failing() -> Iterator[bytes]:
        yield b"unit_id,label\n"
        yield b"U1,later\n" * 1000
        raise RuntimeError("the table could not be made")

    with pytest.raises(RuntimeError, match="could not be made"):
        write_folder(out, {**result("later"), "units.csv": Streamed(failing, rows)})
    assert label_of(out) == "earlier"
    assert (out / "units.csv").read_bytes() == result("earlier")["units.csv"]
    assert leftovers(out) == []


def test_a_result_without_a_manifest_in_bytes_is_refused(tmp_path: Path) -> None:
    streamed = {**result("x"), "manifest.json": Streamed(lambda: [b"{}"])}
    with pytest.raises(ValueError, match=r"needs a manifest\.json, as bytes"):
        write_folder(tmp_path / "o", streamed)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda o: (o / "mine.txt").write_text("x"), "holds files kaohe did not write: mine.txt"),
        (lambda o: (o / "sub").mkdir(), "it holds files kaohe did not write: sub"),
        (lambda o: (o / "units.csv").write_text("edited"), "units.csv was changed after kaohe"),
        (lambda o: (o / "notes.csv").unlink(), "files its manifest lists are missing: notes.csv"),
        (lambda o: (o / "manifest.json").write_text("[]"), "does not list the files kaohe wrote"),
        (lambda o: (o / "manifest.json").write_text('{"files": {"../x": "0"}}'), "does not list"),
        (
            lambda o: ((o / "notes.csv").unlink(), (o / "notes.csv").symlink_to(o / "units.csv")),
            "notes.csv is not a plain file",
        ),
    ],
)
def test_anything_kaohe_did_not_write_is_refused_and_untouched(
    out: Path, change: Callable[[Path], object], reason: str
) -> None:
    change(out)
    before = sorted((p.name, p.is_symlink()) for p in out.iterdir())
    with pytest.raises(OutputError) as error:
        write_folder(out, result("later"))
    assert reason in str(error.value)
    assert sorted((p.name, p.is_symlink()) for p in out.iterdir()) == before
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda o: (o / "mine.txt").write_text("x"), "holds files kaohe did not write: mine.txt"),
        (lambda o: (o / "units.csv").write_text("edited"), "units.csv was changed after kaohe"),
    ],
)
def test_checking_ahead_refuses_as_the_write_does(
    out: Path, change: Callable[[Path], object], reason: str
) -> None:
    change(out)
    with pytest.raises(OutputError, match=reason):
        folders.checking(out).result()


def test_a_folder_kaohe_did_not_write_is_refused_before_its_files_are_read(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (out / "mine.txt").write_text("x")
    monkeypatch.setattr(folders, "file_sha256", lambda path: pytest.fail(f"read {path}"))
    with pytest.raises(OutputError, match=r"holds files kaohe did not write: mine\.txt"):
        folders.checking(out)  # raised at once, not by the future


def test_the_digests_are_read_once_the_run_says_it_is_ready(out: Path, read: list[str]) -> None:
    ready = threading.Event()
    (out / "units.csv").write_text("unit_id,label\nU1,EDITED\n")
    checked = folders.checking(out, ready)
    assert not checked.done()
    time.sleep(0.05)
    assert read == []  # nothing read while the run loads
    ready.set()
    with pytest.raises(OutputError, match=r"units\.csv was changed after kaohe wrote it"):
        checked.result(timeout=5)
    assert read == ["notes.csv", "units.csv"]


def test_a_check_never_made_ready_does_not_hold_up_the_exit(tmp_path: Path) -> None:
    script = (
        "import sys, threading\n"
        "from kaohe import folders\n"
        "folders.checking(sys.argv[1], threading.Event())\n"
        "print('exits')\n"
    )
    folder = tmp_path / "o"
    write_folder(folder, result("x"))
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "exits\n"


def test_a_checked_folder_is_not_read_again_unless_it_changed(out: Path, read: list[str]) -> None:
    checked = folders.checking(out).result()
    assert read == ["notes.csv", "units.csv"]
    write_folder(out, result("later"), checked=checked)
    assert read == ["notes.csv", "units.csv"]  # not again
    checked = folders.checking(out).result()
    edited = "unit_id,label\nU1,LATER\n"  # the same size
    (out / "units.csv").write_text(edited)
    with pytest.raises(OutputError, match=r"units\.csv was changed after kaohe wrote it"):
        write_folder(out, result("next"), checked=checked)
    assert read[-2:] == ["notes.csv", "units.csv"]  # read again, as the folder changed
    assert (out / "units.csv").read_text() == edited


def test_the_replaced_result_is_given_to_keep_and_moved_not_copied(out: Path) -> None:
    inode = (out / "units.csv").stat().st_ino
    kept = out.parent / "kept"
    write_folder(out, result("later"), keep=lambda old: old.rename(kept))
    assert (label_of(out), label_of(kept)) == ("later", "earlier")
    assert (kept / "units.csv").stat().st_ino == inode
    assert leftovers(out) == []
    write_folder(out, result("next"), keep=lambda old: None)  # what keep leaves is removed
    assert (label_of(out), leftovers(out)) == ("next", [])


def test_a_keep_that_fails_leaves_the_earlier_result_aside_for_the_next_run(out: Path) -> None:
    def full(old: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"the earlier result could not be kept \(No space"):
        write_folder(out, result("later"), keep=full)
    assert label_of(out) == "later"
    (aside,) = (out.parent / name for name in leftovers(out))
    assert label_of(aside) == "earlier"
    kept = out.parent / "kept"
    recover(out, keep=lambda old: old.rename(kept))
    assert (label_of(kept), leftovers(out)) == ("earlier", [])


def test_a_file_or_a_link_at_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        write_folder(tmp_path / "file", result("x"))
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_folder(tmp_path / "link", result("x"))
    assert (tmp_path / "link").is_symlink()


def test_an_empty_folder_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "o").mkdir()
    write_folder(tmp_path / "o", result("x"))
    assert label_of(tmp_path / "o") == "x"


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_a_folder_without_a_name_is_refused(name: str) -> None:
    with pytest.raises(OutputError, match="not a name for a result folder"):
        write_folder(Path(name), result("x"))


@pytest.mark.parametrize("command", ["score", "whatif"])
def test_an_empty_out_is_a_usage_error_and_creates_nothing(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    extra = ["--set", "supervision.cap=8"] if command == "whatif" else []
    result_ = CliRunner().invoke(main, [command, str(COUNTY), "--out", "", *extra])
    assert result_.exit_code == 2
    assert "Invalid value for '--out': an empty folder name" in result_.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("mask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_folders_and_files_follow_the_umask(
    tmp_path: Path, umask: Callable[[int], None], mask: int, folder: int, file: int
) -> None:
    umask(mask)
    write_folder(tmp_path / "o", result("x"))
    assert stat.S_IMODE((tmp_path / "o").stat().st_mode) == folder
    for path in (tmp_path / "o").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == file, path.name


# -- crashes -------------------------------------------------------------------------------


def in_child(action: Callable[[], None]) -> int:
    """Run ``action`` in a forked child; its exit status (os._exit ends it without cleanup)."""
    with warnings.catch_warnings():  # Python 3.12 warns of fork with threads; the child only writes
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        # Ctrl-C raises KeyboardInterrupt here even when the runner was started with
        # SIGINT ignored (a background job of a shell without job control)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            action()
        except SystemExit as stop:
            code = int(stop.code or 0)
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            code = 99
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def crash_after(step: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    def stop(at: str) -> None:
        if at == step:
            os._exit(9)

    def write() -> None:
        monkeypatch.setattr(folders, "_after", stop)
        write_folder(out, result("later"))

    return in_child(write)


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_loses_nothing_and_the_next_run_cleans_up(
    step: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert crash_after(step, out, monkeypatch) == 9
    if step == "moved-aside":  # between the renames: the earlier result is aside, whole
        assert not out.exists()
        (aside,) = (out.parent / name for name in leftovers(out) if ".kaohe-old." in name)
        assert label_of(aside) == "earlier"
    else:
        assert label_of(out) == ("later" if step in ("in-place", "cleaned") else "earlier")
    kept: list[str] = []
    recover(out, keep=lambda old: kept.append(label_of(old)))  # what the next run does first
    assert label_of(out) == ("later" if step in ("in-place", "cleaned") else "earlier")
    assert leftovers(out) == []
    assert kept == (["earlier"] if step == "in-place" else [])  # set aside, not yet kept
    write_folder(out, result("next"))
    assert label_of(out) == "next"
    assert leftovers(out) == []


def test_a_next_run_that_fails_still_puts_the_earlier_result_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o"
    runner = CliRunner()
    assert runner.invoke(main, ["score", str(COUNTY), "--out", str(out)]).exit_code == 0
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert crash_after("moved-aside", out, monkeypatch) == 9
    assert not out.exists()
    (tmp_path / "empty").mkdir()
    args = ["--out", str(out), "--data", str(tmp_path / "empty")]
    broken = runner.invoke(main, ["score", str(COUNTY), *args])
    assert broken.exit_code == 1  # the data is refused, but the earlier result is back first
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files
    assert leftovers(out) == []


@pytest.mark.parametrize(("number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
@pytest.mark.parametrize("step", ["staged", "sealed"])
def test_a_signal_while_staging_removes_the_staging_folder(
    out: Path, monkeypatch: pytest.MonkeyPatch, number: int, code: int, step: str
) -> None:
    def interrupt(at: str) -> None:
        if at == step:
            os.kill(os.getpid(), number)

    def write() -> None:
        monkeypatch.setattr(folders, "_after", interrupt)
        write_folder(out, result("later"))

    assert in_child(write) == code
    assert label_of(out) == "earlier"
    assert leftovers(out) == []


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_swap_waits_until_it_is_done(
    out: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    def interrupt(at: str) -> None:
        if at == "moved-aside":
            os.kill(os.getpid(), number)

    def write() -> None:
        monkeypatch.setattr(folders, "_after", interrupt)
        write_folder(out, result("later"))

    assert in_child(write) in (130, 143)
    assert label_of(out) == "later"
    assert leftovers(out) == []


@pytest.mark.parametrize("failing", [1, 2])
def test_a_failed_rename_rolls_back(
    out: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    real = os.rename
    calls = []

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(src)
        if len(calls) == failing:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OutputError, match="cannot write the result folder"):
        write_folder(out, result("later"))
    assert label_of(out) == "earlier"
    assert leftovers(out) == []


def test_leftovers_of_a_run_still_going_are_left_alone(out: Path) -> None:
    busy = out.parent / f".{out.name}.kaohe-new.1.0abc"  # process 1 is always running
    busy.mkdir()
    recover(out)
    assert busy.exists()
    write_folder(out, result("later"))
    assert busy.exists()
    busy.rmdir()
    aside = out.parent / f".{out.name}.kaohe-old.1.0abc"
    out.rename(aside)
    with pytest.raises(OutputError, match=r"another kaohe run \(process 1\) is replacing"):
        write_folder(out, result("later"))
    assert label_of(aside) == "later"


def test_a_stale_staging_folder_of_another_result_is_not_touched(out: Path) -> None:
    other = out.parent / ".other.kaohe-new.999999999.0abc"
    other.mkdir()
    write_folder(out, result("later"))
    assert other.exists()
