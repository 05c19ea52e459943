"""What-if studies on a Dask cluster: the data sent once, chunks of scenarios as tasks.

Imported only when a cluster is asked for (``--workers``, ``--scheduler``,
``client=``): kaohe itself never imports Dask (``pip install kaohe[dask]``).

:func:`connect` opens a ``dask.distributed.Client`` on a scheduler's
address or on a local cluster of worker processes. :func:`map_chunks`
sends the dataset to every worker once, submits one task per chunk and
yields the results as they finish. Workers on other machines get the
dataset scattered to them; workers on this machine map one copy of it,
written once to a temporary file (:class:`Spooled`), which they share
through the page cache instead of each receiving and holding their own.
Dask runs again the tasks of a worker that is lost (its process killed,
its machine gone); a chunk is a pure function of the data and its
schemes, so a task run twice gives the same values, and the study the
same results as in one process.
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..errors import ClusterError, MissingExtraError
from ..i18n import _
from ..values import Value

if TYPE_CHECKING:
    from distributed import Client

    from ..data import Dataset

T = TypeVar("T")

#: How long to wait for a scheduler to answer (seconds).
CONNECT_TIMEOUT = 30


def _distributed() -> Any:
    """The ``distributed`` package, or a clear error naming the extra to install."""
    try:
        import distributed
    except ImportError:
        raise MissingExtraError(
            _("scoring on a Dask cluster (--workers, --scheduler)"), "dask", "distributed"
        ) from None
    return distributed


@contextmanager
def connect(*, scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:port``), or of a local
    cluster of ``workers`` processes (one thread each) that is closed afterwards."""
    distributed = _distributed()
    if (scheduler is None) == (workers is None):
        raise ClusterError(_("give either a scheduler address or a number of local workers"))
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                _(
                    "cannot reach the Dask scheduler at {scheduler} ({reason}); "
                    "give its address as tcp://HOST:PORT"
                ).format(scheduler=scheduler, reason=error)
            ) from None
        with client:
            yield client
        return
    import dask

    spawn_environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    # Dask makes glibc hand every freed block back to the system at once
    # (MALLOC_TRIM_THRESHOLD_): each chunk then faults its large arrays in
    # again, page by page; on W2 the tasks ran 1.35x slower. Keep the default.
    spawn_environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": spawn_environ}),
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never the default one of another cluster
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def map_chunks(
    client: Client,
    task: Callable[..., T],
    data: Dataset,
    arguments: Sequence[tuple[Any, ...]],
) -> Iterator[tuple[int, T]]:
    """``(i, task(data, *arguments[i]))`` for every chunk, as the cluster finishes them.

    ``data`` goes to every worker once: mapped from a file when all workers
    run on this machine, else scattered (to every worker, so that a lost
    worker's chunks can run on another). Tasks not yet finished when the
    caller stops are cancelled. A task that fails raises its error here; a
    chunk that keeps killing its workers is a :class:`~kaohe.errors.ClusterError`.
    """
    distributed = _distributed()
    study = uuid.uuid4().hex
    local = _all_local(client)
    folder = Path(tempfile.mkdtemp(prefix="kaohe-data-", dir=_memory_dir())) if local else None
    source: Any = None
    futures: dict[Any, int] = {}
    try:
        if folder is not None:
            source = Spooled.write(data, folder)
        else:
            source = client.scatter(data, broadcast=True, hash=False, direct=True)
        for index, args in enumerate(arguments):
            key = f"kaohe-chunk-{index}-{study}"
            futures[client.submit(_with_data, task, source, *args, key=key, pure=False)] = index
        for future in distributed.as_completed(list(futures)):
            index = futures.pop(future)
            try:
                value = future.result()
            except distributed.KilledWorker as error:
                raise ClusterError(
                    _(
                        "chunk {chunk} of the study killed the workers that ran it ({reason}); "
                        "give the workers more memory or use smaller chunks (--chunk)"
                    ).format(chunk=index + 1, reason=error)
                ) from None
            future.release()
            yield index, value
    finally:
        client.cancel(list(futures))
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        elif source is not None:
            client.cancel([source])


def _with_data(task: Callable[..., T], source: Any, *args: Any) -> T:
    """A chunk's task on a worker: the dataset from its file or as scattered."""
    data = source.load() if isinstance(source, Spooled) else source
    return task(data, *args)


def _memory_dir() -> str | None:
    """A folder in memory (``/dev/shm``) where there is one, else the temporary folder."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _all_local(client: Client) -> bool:
    """Whether every worker of ``client``'s cluster runs on this machine."""
    distributed = _distributed()
    here = {"127.0.0.1", "localhost", "::1", socket.gethostname()}
    workers = client.scheduler_info().get("workers", {})
    hosts = {distributed.comm.get_address_host(address) for address in workers}
    return bool(hosts) and hosts <= here


@attrs.frozen(repr=False, eq=False)
class Spooled(Value):
    """A dataset written once to a file, for workers on this machine to map.

    ``bin`` holds the arrays' bytes (pickle protocol 5's out-of-band
    buffers, each at a page boundary), ``meta`` the rest of the pickle and
    where each buffer lies. A worker maps the file read-only: its arrays
    are the file's pages, shared with the other workers on the machine.
    """

    meta: str
    bin: str

    @classmethod
    def write(cls, data: Dataset, folder: Path) -> Spooled:
        """Write ``data`` into ``folder``."""
        buffers: list[pickle.PickleBuffer] = []
        head = pickle.dumps(data, protocol=5, buffer_callback=buffers.append)
        places = []
        with open(folder / "data.bin", "wb") as out:
            for buffer in buffers:
                raw = buffer.raw()
                offset = -out.tell() % mmap.PAGESIZE
                out.write(b"\0" * offset)
                places.append((out.tell(), raw.nbytes))
                out.write(raw)
            out.write(b"\0")  # never empty: an empty file cannot be mapped
        (folder / "data.meta").write_bytes(pickle.dumps((head, places), protocol=5))
        return cls(str(folder / "data.meta"), str(folder / "data.bin"))

    def load(self) -> Dataset:
        """The dataset, mapped once per worker process (the latest study's only)."""
        if self.bin not in _MAPPED:
            _MAPPED.clear()
            head, places = pickle.loads(Path(self.meta).read_bytes())
            with open(self.bin, "rb") as file:
                flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
                mapped = mmap.mmap(file.fileno(), 0, flags=flags, prot=mmap.PROT_READ)
            view = memoryview(mapped)
            buffers = [view[offset : offset + size] for offset, size in places]
            _MAPPED[self.bin] = pickle.loads(head, buffers=buffers)
        data: Dataset = _MAPPED[self.bin]
        return data


#: The dataset a worker process has mapped, by file (one at a time).
_MAPPED: dict[str, Any] = {}
