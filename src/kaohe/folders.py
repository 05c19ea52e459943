"""Result folders that never lose anything.

:func:`write_folder` writes a result (a mapping of file name to bytes, with
``manifest.json``) as folder ``out``:

1. Leftovers of an earlier run that was killed beside ``out`` are dealt with
   first (:func:`recover`): an earlier result left aside by a crash between
   the two renames of step 4 is put back; staging folders are removed.
2. An existing ``out`` is replaced only if kaohe wrote it: its
   ``manifest.json`` lists exactly the files the folder holds (besides the
   manifest and its signature), each plain and with the sha256 it has. Any
   other folder (one of the user's, a result someone edited, a result of a
   kaohe that did not seal its manifest), a file or a link is refused with
   an :class:`~kaohe.errors.OutputError` and nothing is touched. An empty
   folder is replaced.
3. The files go to a staging folder beside ``out``
   (``.NAME.kaohe-new.PID.TOKEN``); the manifest is sealed with the sha256
   of every file (:func:`kaohe.manifest.seal`), signed when asked, and
   written last.
4. The swap: ``out`` is renamed aside (``.NAME.kaohe-old.PID.TOKEN``), the
   staging folder renamed to ``out``, the old folder given to ``keep`` (the
   command line keeps it among the recorded runs, :mod:`kaohe.runs`) or
   removed. SIGINT and SIGTERM are held back during the swap.

A failure, Ctrl-C or SIGTERM before the swap removes the staging folder
and leaves ``out`` as it was; a crash (``kill -9``) at any point leaves
``out`` holding the earlier or the new result, or (between the renames)
the earlier result aside, which the next run puts back before anything
else. Folders and files are made with the user's umask, as any program's.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import secrets
import shutil
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from .errors import OutputError
from .i18n import _
from .manifest import MANIFEST, SIGNATURE, digests, listed_files, seal, sealed_files
from .values import Value

if TYPE_CHECKING:
    from .signing import Signer

T = TypeVar("T")

NEW, OLD = "new", "old"
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.kaohe-(?P<kind>new|old)\.(?P<pid>\d+)\.[0-9a-f]+$")


@attrs.frozen(repr=False, eq=False)
class Streamed(Value):
    """The content of a file made while it is written.

    ``chunks()`` is called once, when :func:`write_folder` writes the file,
    and yields its bytes in order (``bytes`` or a ``memoryview`` of them).
    It is called, and its first chunk taken, on a thread of
    :func:`write_folder`'s while other files are written; its other chunks
    are taken on the thread that writes the folder.
    An exception it raises fails the write like any other: nothing is left.

    ``rows``: how many lines the file will have at most, if known. A folder
    whose streamed files all say so, and together fewer than
    :data:`ALONE_BELOW_ROWS`, is made and written on the calling thread alone.
    """

    chunks: Callable[[], Iterable[bytes | memoryview]]
    rows: int | None = None


#: What :func:`write_folder` takes for a file.
Content: TypeAlias = "bytes | Streamed"

#: Chunks of a :class:`Streamed` file handed to the writing thread and not yet
#: written: the file's maker runs at most this many chunks ahead of the disk.
PENDING_CHUNKS = 4
#: Streamed files begun at once, each on a thread of its own (a result table's
#: columns are made mostly by numpy and Arrow, which let the GIL go).
BEGUN_AT_ONCE = 2
#: Streamed files of fewer rows than this in all are made and written on the
#: calling thread alone: there, handing chunks between threads costs more
#: than it saves (W1, 48,000 lines, is written 20% faster alone; a quarter
#: of W2, 7 million, 30% faster on threads).
ALONE_BELOW_ROWS = 200_000
#: ... and whose other files are smaller than this in all (they are hashed on a
#: thread of their own while they are written).
ALONE_BELOW_BYTES = 16 << 20


def _after(step: str) -> None:
    """Called after each step of :func:`write_folder` (tests stop the run here)."""


def _leftover_name(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.kaohe-{kind}.{os.getpid()}.{secrets.token_hex(4)}"


def _running(pid: int) -> bool:
    """Whether another process ``pid`` is running (this process's own leftovers are stale)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def file_sha256(path: Path) -> str:
    """The hex sha256 of the file at ``path``, read a block at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def not_ours(folder: Path) -> str | None:
    """Why ``folder`` is not a result folder kaohe wrote, or None when it is one (or empty)."""
    reason, listed = _unlisted(folder)
    return reason if reason is not None else _changed(folder, listed)


def _unlisted(folder: Path) -> tuple[str | None, dict[str, str]]:
    """:func:`not_ours` as far as it goes without reading the files: why ``folder``
    is not a result kaohe wrote (or None), and the files its manifest lists."""
    try:
        entries = {entry.name: entry for entry in os.scandir(folder)}
    except OSError as error:
        return _("it cannot be read ({reason})").format(reason=error.strerror), {}
    if not entries:
        return None, {}
    if MANIFEST not in entries:
        return _("it holds files and no manifest.json"), {}
    try:
        listed = listed_files(Path(folder, MANIFEST).read_bytes())
    except OSError as error:
        reason = _("its manifest.json cannot be read ({reason})").format(reason=error.strerror)
        return reason, {}
    if listed is None:
        return _("its manifest.json does not list the files kaohe wrote"), {}
    expected = {*listed, MANIFEST} | ({SIGNATURE} & entries.keys())
    others = sorted(entries.keys() - expected)
    if others:
        reason = _("it holds files kaohe did not write: {files}").format(
            files=", ".join(others[:5])
        )
        return reason, {}
    missing = sorted(expected - entries.keys())
    if missing:
        reason = _("files its manifest lists are missing: {files}").format(
            files=", ".join(missing[:5])
        )
        return reason, {}
    for name, entry in sorted(entries.items()):
        if not entry.is_file(follow_symlinks=False):
            return _("{file} is not a plain file").format(file=name), {}
    return None, listed


def _changed(folder: Path, listed: Mapping[str, str]) -> str | None:
    """Why the files ``listed`` (name -> sha256) of ``folder`` are not as kaohe wrote
    them, or None: each is read whole."""
    for name, digest in sorted(listed.items()):
        try:
            if file_sha256(Path(folder, name)) != digest:
                return _("{file} was changed after kaohe wrote it").format(file=name)
        except OSError as error:
            return _("{file} cannot be read ({reason})").format(file=name, reason=error.strerror)
    return None


def _state(folder: Path) -> tuple[tuple[object, ...], ...]:
    """What changes when anything in ``folder`` does: the folder's own identity and each
    entry's name, type, inode, size and times (a write changes at least the change time)."""
    try:
        own = os.lstat(folder)
        entries = sorted(
            (entry.name, entry.stat(follow_symlinks=False)) for entry in os.scandir(folder)
        )
    except OSError:
        return ()
    return (
        (own.st_mode, own.st_dev, own.st_ino),
        *(
            (name, s.st_mode, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns)
            for name, s in entries
        ),
    )


@attrs.frozen(repr=False, eq=False)
class Checked(Value):
    """``folder`` found replaceable (:func:`checking`), and its :func:`_state` before its
    files were read: :func:`write_folder` reads them again only if that state changed."""

    folder: Path
    state: tuple[tuple[object, ...], ...]


def _refused(out: Path, reason: str) -> OutputError:
    return OutputError(
        _(
            "{folder}: is not a result folder that kaohe wrote ({reason}); kaohe replaces "
            "only its own results and has changed nothing: choose another --out, or move "
            "the folder away yourself"
        ).format(folder=out, reason=reason)
    )


def _replaceable_listing(out: Path) -> dict[str, str]:
    """The files the result at ``out`` lists (none when nothing is there); OutputError
    when ``out`` may not be replaced for any reason found without reading its files."""
    if out.is_symlink():
        raise OutputError(
            _("{folder}: is a symbolic link; choose another --out").format(folder=out)
        )
    if not out.exists():
        return {}
    if not out.is_dir():
        raise OutputError(
            _("{folder}: exists and is not a folder; choose another --out").format(folder=out)
        )
    reason, listed = _unlisted(out)
    if reason is not None:
        raise _refused(out, reason)
    return listed


def _check_unchanged(out: Path, listed: Mapping[str, str]) -> None:
    """OutputError unless the files ``listed`` of ``out`` are as kaohe wrote them."""
    reason = _changed(out, listed)
    if reason is not None:
        raise _refused(out, reason)


def _check_replaceable(out: Path) -> None:
    _check_unchanged(out, _replaceable_listing(out))


def checking(out: str | Path, ready: threading.Event | None = None) -> Future[Checked]:
    """Start checking that :func:`write_folder` may replace ``out`` (step 2 of the
    module docstring), long before it does.

    What needs no reading of the files is checked at once and raises
    :class:`~kaohe.errors.OutputError`; the files' digests are compared on a
    thread, once ``ready`` is set (at once without it: ``kaohe score`` sets it
    when its data is loaded, so that reading them meanwhile does not compete
    with loading for the processors). The future gives the :class:`Checked`
    to pass to :func:`write_folder`, or raises that error. The thread never
    holds up the interpreter's exit (a run that fails before ``ready`` is
    set ends as it would).
    """
    out = Path(out)
    state = _state(out)
    listed = _replaceable_listing(out)
    checked: Future[Checked] = Future()

    def digests() -> None:
        if ready is not None:
            ready.wait()
        if not checked.set_running_or_notify_cancel():
            return
        try:
            _check_unchanged(out, listed)
        except BaseException as error:  # given to whoever asks the future
            checked.set_exception(error)
        else:
            checked.set_result(Checked(out, state))

    threading.Thread(target=digests, name="kaohe-check", daemon=True).start()
    return checked


def _remove(staging: Path) -> None:
    """Remove a staging folder (only kaohe writes into one)."""
    shutil.rmtree(staging, ignore_errors=True)


def _set_away(old: Path, out: Path, keep: Keep | None) -> None:
    """The earlier result of ``out``, set aside in ``old``: given to ``keep``, then what
    is left of it removed."""
    if keep is not None:
        try:
            keep(old)
        except OSError as error:
            raise OutputError(
                _(
                    "{folder}: the earlier result could not be kept ({reason}); it is in "
                    "{old}, and the next run keeps it"
                ).format(folder=out, reason=error.strerror, old=old)
            ) from None
    _discard(old)


def _discard(result: Path) -> None:
    """Remove a replaced result: the files its manifest lists, then the folder if that empties it.

    Anything else that came into the folder meanwhile stays where it is.
    """
    try:
        listed = listed_files(Path(result, MANIFEST).read_bytes())
    except OSError:
        return
    if listed is None:
        return
    for name in (*listed, SIGNATURE, MANIFEST):
        with contextlib.suppress(OSError):
            os.unlink(result / name)
    with contextlib.suppress(OSError):
        os.rmdir(result)


#: What becomes of the earlier result a write replaced: called with the folder it was
#: set aside in, after the swap, to move it away (what it leaves there is removed).
Keep: TypeAlias = "Callable[[Path], object]"


def recover(out: str | Path, keep: Keep | None = None) -> None:
    """Deal with what a killed run left beside ``out``.

    An earlier result set aside (a crash between the two renames of the
    swap) is put back when ``out`` does not exist; set-aside results are
    given to ``keep`` (else removed) once ``out`` holds a result kaohe
    wrote; staging folders are removed. Leftovers of a kaohe that is still
    running are left alone.
    """
    out = Path(out)
    parent = out.parent
    try:
        names = os.listdir(parent)
    except OSError:
        return
    stale: dict[str, list[Path]] = {NEW: [], OLD: []}
    for name in names:
        found = _LEFTOVER.match(name)
        if found is None or found["name"] != out.name:
            continue
        if _running(int(found["pid"])):
            if found["kind"] == OLD and not os.path.lexists(out):
                raise OutputError(
                    _(
                        "{folder}: another kaohe run (process {pid}) is replacing this "
                        "folder; run again when it has finished"
                    ).format(folder=out, pid=found["pid"])
                )
            continue
        stale[found["kind"]].append(parent / name)
    for staging in stale[NEW]:
        _remove(staging)
    olds = sorted(stale[OLD], key=lambda path: path.stat().st_mtime)
    if olds and not os.path.lexists(out) and not_ours(olds[-1]) is None:
        os.rename(olds.pop(), out)
    if olds and out.is_dir() and not out.is_symlink() and not_ours(out) is None:
        for old in olds:
            _set_away(old, out, keep)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While staging: SIGTERM stops the run like Ctrl-C, so that the staging folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (the swap is never cut in two)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stage(
    staging: Path,
    files: Mapping[str, Content],
    signer: Signer | None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the files, then the sealed manifest (and its signature) last;
    ``progress(1)`` after each file."""
    os.mkdir(staging)  # mode 0777 less the umask, as any program's
    contents = sealed_files(files)
    whole = {name: content for name, content in contents.items() if isinstance(content, bytes)}
    listed = [(n, c) for n, c in contents.items() if isinstance(c, Streamed)]
    streamed = iter(listed)
    alone = _small(whole, [c for _, c in listed])
    # one thread writes and hashes (both let the GIL go) while this one makes or writes
    # the next; others begin the next streamed files meanwhile, and a file is written
    # as soon as it is begun: a long table's columns are made while shorter ones that
    # come after it are begun and written. A small folder is written here alone.
    writer, beginner = _executors(alone)
    with writer, beginner:
        begun: dict[Future[_Begun], str] = {}

        def begin_next() -> None:
            following = next(streamed, None)
            if following is not None:
                begun[beginner.submit(_begun, following[1])] = following[0]

        for _ in range(1 if alone else BEGUN_AT_ONCE):
            begin_next()
        hashed_whole = writer.submit(digests, whole)
        for name, content in whole.items():
            with open(staging / name, "xb") as stream:
                stream.write(content)
            if progress is not None:
                progress(1)
        hashed: dict[str, str] = {}
        while begun:
            first = next(iter(wait(begun, return_when=FIRST_COMPLETED).done))
            name = begun.pop(first)
            chunks = first.result()
            begin_next()
            hashed[name] = _write_streamed(staging / name, chunks, writer)
            if progress is not None:
                progress(1)
        hashed.update(hashed_whole.result())
    sealed = seal({MANIFEST: _manifest(files)}, dict(sorted(hashed.items())))[MANIFEST]
    _after("staged")
    if signer is not None:
        with open(staging / SIGNATURE, "xb") as stream:
            stream.write(signer.sign(sealed))
    with open(staging / MANIFEST, "xb") as stream:
        stream.write(sealed)
    if progress is not None:
        progress(1)
    _after("sealed")


def _small(whole: Mapping[str, bytes], streamed: Iterable[Streamed]) -> bool:
    """Whether a folder of these files is written faster on the calling thread alone."""
    rows = sum(ALONE_BELOW_ROWS if content.rows is None else content.rows for content in streamed)
    return rows < ALONE_BELOW_ROWS and sum(map(len, whole.values())) < ALONE_BELOW_BYTES


def _executors(alone: bool) -> tuple[Executor, Executor]:
    """The executors that write chunks and that begin streamed files: threads, or
    (``alone``) the calling thread."""
    if alone:
        return _Inline(), _Inline()
    return (
        ThreadPoolExecutor(1, thread_name_prefix="kaohe-write"),
        ThreadPoolExecutor(BEGUN_AT_ONCE, thread_name_prefix="kaohe-begin"),
    )


class _Inline(Executor):
    """An executor that runs each call at once, on the calling thread."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        done: Future[T] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except Exception as error:  # the caller takes it from the future
            done.set_exception(error)
        return done


#: A streamed file begun: its chunks, the first one taken out (None for no chunk).
_Begun: TypeAlias = "tuple[Iterator[bytes | memoryview], bytes | memoryview | None]"


def _begun(content: Streamed) -> _Begun:
    """``content``'s chunks, the first one made (for a result table, that makes its
    columns): called on a thread while other files are written."""
    chunks = iter(content.chunks())
    return chunks, next(chunks, None)


def _write_streamed(path: Path, begun: _Begun, writer: Executor) -> str:
    """Write the chunks of a :func:`_begun` file as new file ``path`` on the ``writer``
    thread, chunk by chunk as they are made; returns its sha256."""
    digest = hashlib.sha256()
    chunks, first = begun

    with open(path, "xb") as stream:

        def put(chunk: bytes | memoryview) -> None:
            stream.write(chunk)
            digest.update(chunk)

        pending: deque[Future[None]] = deque()
        try:
            for chunk in itertools.chain(() if first is None else (first,), chunks):
                pending.append(writer.submit(put, chunk))
                if len(pending) > PENDING_CHUNKS:
                    pending.popleft().result()
        finally:
            wait(pending)  # the file is closed only once nothing is written to it
        for done in pending:
            done.result()
    return digest.hexdigest()


def _manifest(files: Mapping[str, Content]) -> bytes:
    """The unsealed ``manifest.json`` of ``files``."""
    manifest = files.get(MANIFEST)
    if not isinstance(manifest, bytes):
        raise ValueError("a result folder needs a manifest.json, as bytes")
    return manifest


def _check_names(files: Mapping[str, Content]) -> None:
    _manifest(files)
    for name in files:
        if not name or name in (".", "..") or "/" in name or os.sep in name:
            raise ValueError(f"{name!r} is not a plain file name")


def write_folder(
    out: str | Path,
    files: Mapping[str, Content],
    *,
    signer: Signer | None = None,
    progress: Callable[[int], None] | None = None,
    checked: Checked | None = None,
    keep: Keep | None = None,
) -> Path:
    """Write ``files`` (name -> :data:`Content`, with ``manifest.json``) as folder ``out``,
    all or nothing.

    See the module docstring for what is replaced, what is refused and what
    a crash leaves. With ``signer``, ``manifest.sig`` signs the manifest.
    ``progress(1)`` is called after each of the ``len(files)`` files is written.
    ``checked``: what :func:`checking` found of ``out``, whose files are not read
    again unless something in the folder changed since. ``keep``: what becomes
    of the replaced result (:data:`Keep`; by default it is removed).
    """
    out = Path(out)
    if out.name in ("", ".", ".."):
        raise OutputError(
            _("{folder!r}: not a name for a result folder; give --out a folder name").format(
                folder=str(out)
            )
        )
    _check_names(files)
    try:
        recover(out, keep)
        if checked is None or checked.folder != out or checked.state != _state(out):
            _check_replaceable(out)
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            _("{folder}: cannot create the result folder ({reason})").format(
                folder=out, reason=error.strerror
            )
        ) from None
    _after("recovered")
    staging, old = _leftover_name(out, NEW), _leftover_name(out, OLD)
    moved_aside = in_place = False
    try:
        with _sigterm_interrupts():
            _stage(staging, files, signer, progress)
            with _signals_held():
                if os.path.lexists(out):
                    os.rename(out, old)
                    moved_aside = True
                    _after("moved-aside")
                os.rename(staging, out)
                in_place = True
                _after("in-place")
                if moved_aside:
                    _set_away(old, out, keep)
                    _after("cleaned")
    except BaseException as error:
        if not in_place:
            _remove(staging)
            if moved_aside:
                try:
                    os.rename(old, out)
                except OSError:
                    raise OutputError(
                        _(
                            "{folder}: the result could not be written, and the earlier one is "
                            "in {old}; the next run puts it back"
                        ).format(folder=out, old=old)
                    ) from None
        if isinstance(error, OSError):
            raise OutputError(
                _("{folder}: cannot write the result folder ({reason})").format(
                    folder=out, reason=error.strerror
                )
            ) from None
        raise
    return out
