"""What-if studies on a Dask cluster: the data sent once, chunks of scenarios as tasks.

Imported only when a cluster is asked for (``--workers``, ``--scheduler``,
``client=``): kaohe itself never imports Dask (``pip install kaohe[dask]``).

:func:`connect` opens a ``dask.distributed.Client`` on a scheduler's
address or on a local cluster of worker processes. :func:`map_chunks`
scatters the dataset to every worker once, submits one task per chunk and
yields the results as they finish. Dask runs again the tasks of a worker
that is lost (its process killed, its machine gone); a chunk is a pure
function of the data and its schemes, so a task run twice gives the same
values, and the study the same results as in one process.
"""

from __future__ import annotations

import copyreg
import types
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import ClusterError, MissingExtraError

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
            "scoring on a Dask cluster (--workers, --scheduler)", "dask", "distributed"
        ) from None
    return distributed


@contextmanager
def connect(*, scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:port``), or of a local
    cluster of ``workers`` processes (one thread each) that is closed afterwards."""
    distributed = _distributed()
    if (scheduler is None) == (workers is None):
        raise ClusterError("give either a scheduler address or a number of local workers")
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler} ({error}); "
                "give its address as tcp://HOST:PORT"
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

    ``data`` goes to every worker once (scattered, so that a lost worker's
    chunks can run on another); tasks not yet finished when the caller
    stops are cancelled. A task that fails raises its error here; a chunk
    that keeps killing its workers is a :class:`~kaohe.errors.ClusterError`.
    """
    distributed = _distributed()
    _teach_pickle()
    study = uuid.uuid4().hex
    shared = client.scatter(data, broadcast=True, hash=False, direct=True)
    futures = {
        client.submit(task, shared, *args, key=f"kaohe-chunk-{index}-{study}", pure=False): index
        for index, args in enumerate(arguments)
    }
    try:
        for future in distributed.as_completed(futures):
            index = futures.pop(future)
            try:
                value = future.result()
            except distributed.KilledWorker as error:
                raise ClusterError(
                    f"chunk {index + 1} of the study killed the workers that ran it ({error}); "
                    "give the workers more memory or use smaller chunks (--chunk)"
                ) from None
            future.release()
            yield index, value
    finally:
        client.cancel(list(futures))
        client.cancel([shared])


def _mapping_proxy(mapping: Mapping[str, Any]) -> types.MappingProxyType[str, Any]:
    return types.MappingProxyType(dict(mapping))


def _teach_pickle() -> None:
    """Let pickle send a dataset: its tables are read-only views of dicts
    (``types.MappingProxyType``), which travel as the dict they show."""
    copyreg.pickle(types.MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))
