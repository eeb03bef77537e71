"""The DataLoader's worker processes, seen from the parent: starting them, sending each its
tasks, receiving their messages (watching for a worker that dies or a timeout), and shutting
them down so that no process and no shared-memory segment outlives the iterator."""

from __future__ import annotations

import os
import pickle
import secrets
import signal
import time
import warnings
from multiprocessing.connection import Connection, wait
from typing import Any, Dict, List, Optional, Tuple

from . import _shared
from ._worker import _worker_loop

_GRACE_S = 5.0  # how long shutdown waits for workers to exit before it terminates them
_PICKLE_HINT = ("Got pickle error when attempting to start a worker Process. This might be because the worker "
                "Process arguments are not picklable. Python 3.14+ changed the multiprocessing start method in "
                "non-Mac POSIX platforms to 'forkserver', which requires the worker Process arguments to be "
                "picklable. You can also try multiprocessing.set_start_method('fork').")


def _exit_reason(exitcode: Optional[int]) -> str:
    if exitcode is None:
        return "closed its pipe"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:  # a real-time signal has no name
            name = str(-exitcode)
        return f"was killed by signal {name} ({signal.strsignal(-exitcode)})"
    return f"exited with exit code {exitcode}"


class _WorkerPool:
    """num_workers processes running `_worker_loop`, each with a pipe for its tasks and one for
    its messages. Only the process that made the pool shuts it down (a forked child that
    inherits it leaves it alone)."""

    def __init__(self, ctx: Any, num_workers: int, loader_args: Dict[str, Any], base_seed: int) -> None:
        self._owner = os.getpid()
        self._prefix = f"ember{os.getpid()}_{secrets.token_hex(3)}"
        self._done = ctx.Event()
        self.processes: List[Any] = []
        self._index_conns: List[Connection] = []
        self._data_conns: List[Connection] = []
        self._readers: List[_shared.SegmentReader] = []
        self._watched: Dict[int, bool] = {}  # (an ordered set) workers whose exit would be unexpected
        self.closed = False
        try:
            for worker_id in range(num_workers):
                self._start(ctx, worker_id, num_workers, loader_args, base_seed)
        except BaseException:
            self.shutdown()
            raise

    def _start(self, ctx: Any, worker_id: int, num_workers: int, loader_args: Dict[str, Any], base_seed: int) -> None:
        index_reader, index_writer = ctx.Pipe(duplex=False)
        data_reader, data_writer = ctx.Pipe(duplex=False)
        # a forkserver's child has the server for parent: it can only watch its pipes
        parent_pid = None if ctx.get_start_method() == "forkserver" else os.getpid()
        process = ctx.Process(target=_worker_loop, daemon=True, args=(
            loader_args["dataset"], (index_reader, data_writer), (index_writer, data_reader), parent_pid,
            self._done, loader_args["auto_collation"], loader_args["collate_fn"], loader_args["drop_last"],
            base_seed, loader_args["worker_init_fn"], worker_id, num_workers, self._prefix))
        try:
            process.start()  # spawn and forkserver pickle the dataset here: it may fail
        except BaseException as error:
            index_writer.close()
            data_reader.close()
            if isinstance(error, (TypeError, AttributeError, pickle.PicklingError)):
                warnings.warn(_PICKLE_HINT, stacklevel=6)  # at the iter(loader) call
            raise
        finally:
            # only the worker keeps these ends, so its death closes the data pipe
            index_reader.close()
            data_writer.close()
        self.processes.append(process)
        self._index_conns.append(index_writer)
        self._data_conns.append(data_reader)
        self._readers.append(_shared.SegmentReader())
        self._watched[worker_id] = True

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("this DataLoader iterator's workers were shut down (after an error, a timeout or "
                               "KeyboardInterrupt); start a new pass with iter(loader)")

    def send(self, worker_id: int, task: Any) -> None:
        self._check_open()
        try:
            self._index_conns[worker_id].send(task)
        except OSError:
            self._raise_died(worker_id)

    def retire(self, worker_id: int) -> None:
        """Tell a worker to exit (its iterable dataset ended); its exit is no longer an error."""
        self._watched.pop(worker_id, None)
        try:
            self._index_conns[worker_id].send(None)
        except OSError:
            pass

    def receive(self, timeout: float) -> Tuple[int, Any]:
        """The next message from any worker, as (worker id, object). RuntimeError, after shutting
        the pool down, when a watched worker dies or when nothing comes for timeout seconds (> 0)."""
        self._check_open()
        conns = {self._data_conns[w]: w for w in self._watched}
        sentinels = {self.processes[w].sentinel: w for w in self._watched}
        ready = wait([*conns, *sentinels], timeout if timeout > 0 else None)
        if not ready:
            self.shutdown()
            raise RuntimeError(f"DataLoader timed out after {timeout} seconds")
        for conn in ready:
            if conn in conns:
                try:
                    message = conn.recv_bytes()  # type: ignore[union-attr]
                except EOFError:
                    self._raise_died(conns[conn])
                return conns[conn], self._load(conns[conn], message)
        self._raise_died(sentinels[ready[0]])

    def _load(self, worker_id: int, message: bytes) -> Any:
        """The object a worker's message carries; its segment goes back to the worker."""
        obj, segment = self._readers[worker_id].loads(message)
        if segment is not None:
            try:
                self._index_conns[worker_id].send(segment)
            except OSError:
                pass  # the worker is gone: receive says so
        return obj

    def _raise_died(self, worker_id: int) -> None:
        process = self.processes[worker_id]
        process.join(1.0)
        self.shutdown()
        raise RuntimeError(f"DataLoader worker {worker_id} (pid {process.pid}) exited unexpectedly: it "
                           f"{_exit_reason(process.exitcode)}. If it ran out of memory, try fewer workers or "
                           "smaller batches; run with num_workers=0 to see the error in the main process.")

    def shutdown(self) -> None:
        """Stop every worker (asking first, terminating those that do not exit within _GRACE_S),
        drop the messages nobody will read and unlink every segment the workers made."""
        if self.closed or os.getpid() != self._owner:
            return
        self.closed = True
        self._watched.clear()
        try:
            self._done.set()
            for conn in self._index_conns:
                try:
                    conn.send(None)
                except OSError:
                    pass
            self._drain(time.monotonic() + _GRACE_S)
        finally:  # a second KeyboardInterrupt still ends the workers and unlinks their segments
            for process in self.processes:
                if process.is_alive():
                    process.terminate()
                    process.join(1.0)
                if process.is_alive():
                    process.kill()
                process.join()
            for conn in [*self._index_conns, *self._data_conns]:
                conn.close()
            for reader in self._readers:
                reader.close()
            _shared.sweep(self._prefix)

    def _drain(self, deadline: float) -> None:
        """Read and drop messages until every worker has exited or the deadline passes, so that
        no worker stays blocked writing to a full pipe."""
        open_conns = [conn for conn in self._data_conns if not conn.closed]
        sentinels = [p.sentinel for p in self.processes if p.exitcode is None]
        while open_conns and sentinels and time.monotonic() < deadline:
            for ready in wait([*open_conns, *sentinels], max(0.0, deadline - time.monotonic())):
                if ready in sentinels:
                    sentinels.remove(ready)
                    continue
                try:
                    ready.recv_bytes()  # type: ignore[union-attr]
                except EOFError:
                    open_conns.remove(ready)  # type: ignore[arg-type]
        for conn in open_conns:
            while conn.poll(0):
                try:
                    conn.recv_bytes()
                except EOFError:
                    break
