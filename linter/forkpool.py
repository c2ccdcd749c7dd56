"""``fn(item)`` for many items in forked worker processes: the smallest pool that
does what ``--jobs`` needs.

multiprocessing's Pool costs a few milliseconds to import and start (three handler
threads, locked queues) and about a millisecond between two tasks of a worker,
which on a corpus of a few dozen files is a tenth of the run.  Here the workers
are forked once; the items' numbers wait in a pipe that every worker reads four
bytes at a time (reads of a pipe are taken whole, so each number goes to one
worker), in the order given, as each worker becomes free; each worker writes its
results, pickled and length-prefixed, to a pipe of its own, which the parent
reads as they come.  The parent may take items from the same pipe too, reading
the results between two of its own.  A worker that raises or dies makes the run
fail with the error, never wait for ever.
"""
from __future__ import annotations

import os
import pickle
import signal
import select
import selectors
import struct
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence

_NUMBER = struct.Struct("<I")  # an item's index in the task pipe
_HEADER = struct.Struct("<Q")  # the length of one pickled result
# numbers per write: a write of at most PIPE_BUF bytes reaches the pipe whole
_PER_WRITE = getattr(select, "PIPE_BUF", 512) // _NUMBER.size


class WorkerError(RuntimeError):
    """A worker raised (the message holds its exception, a note its traceback) or died."""


def available() -> bool:
    return hasattr(os, "fork")


def imap_unordered(fn: Callable, items: Sequence, workers: int, finish: Callable | None = None,
                   here: bool = False) -> Iterator:
    """``fn(item)`` for every item, in ``workers`` forked processes, as they finish;
    each worker calls ``finish()`` when no item is left for it.  With ``here`` the
    calling process is one of the workers: it forks one fewer and takes items
    from the same pipe, reading the others' results between two of its own (its
    own need no pickling, and one fork fewer is one process fewer to start)."""
    task_read, task_write = os.pipe()
    children: dict[int, int] = {}  # result pipe → pid
    collector = None
    finished = False
    forked = min(workers, len(items)) - (1 if here else 0)
    try:
        for _ in range(forked):
            result_read, result_write = os.pipe()
            _widen(result_write)
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run
                os.close(task_write)
                os.close(result_read)
                _serve(fn, items, task_read, result_write, finish)
            os.close(result_write)
            children[result_read] = pid
        if not here:
            os.close(task_read)
            task_read = -1
        feeder = threading.Thread(target=_feed, args=(task_write, len(items)), daemon=True)
        feeder.start()  # (a thread: the pipe holds 16,384 numbers, a run may have more)
        task_write = -1  # the feeder closes it
        collector = _Collector(children, len(items))
        if here:
            while True:
                yield from collector.ready()
                raw = _read_exactly(task_read, _NUMBER.size)
                if not raw:
                    break
                collector.own()
                yield fn(items[_NUMBER.unpack(raw)[0]])
            if finish is not None:
                finish()
        yield from collector.rest()
        feeder.join()
        finished = True
    finally:
        if collector is not None:
            collector.close()
        for fd in (task_read, task_write, *children):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        for pid in children.values():
            if finished:  # it is leaving: a thread waits for it while the caller goes on
                threading.Thread(target=_reap, args=(pid, False), daemon=True).start()
            else:
                _reap(pid, stop=True)


def _feed(fd: int, n: int) -> None:
    """Write the numbers of the items, then close: a worker reading nothing is done."""
    try:
        for start in range(0, n, _PER_WRITE):  # whole writes: the pipe never holds part of a number
            _write_all(fd, b"".join(_NUMBER.pack(i) for i in range(start, min(n, start + _PER_WRITE))))
    except OSError:  # the workers are gone: the parent reports why
        pass
    finally:
        os.close(fd)


def _serve(fn: Callable, items: Sequence, tasks: int, results: int, finish: Callable | None) -> None:
    """A worker's life: take the next number, send back ``(True, result)`` or
    ``(False, traceback)``; leave without running the parent's exit handlers."""
    code = 0
    try:
        while True:
            raw = _read_exactly(tasks, _NUMBER.size)
            if not raw:
                if finish is not None:
                    finish()
                break
            try:
                message = (True, fn(items[_NUMBER.unpack(raw)[0]]))
            except BaseException:  # noqa: BLE001 - reported by the parent
                message = (False, traceback.format_exc())
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(results, _HEADER.pack(len(data)) + data)
            if not message[0]:
                break
    except BaseException:  # noqa: BLE001 - a broken pipe, an interrupt: the parent sees EOF
        code = 1
    finally:
        os._exit(code)


def _read_exactly(fd: int, n: int) -> bytes:
    data = os.read(fd, n)
    while data and len(data) < n:  # (cannot happen with whole numbers in the pipe)
        more = os.read(fd, n - len(data))
        if not more:
            break
        data += more
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _Collector:
    """Reads the workers' result pipes until every result has come: ``ready`` what
    has arrived (without waiting), ``rest`` all that is still to come."""

    def __init__(self, children: dict[int, int], expected: int):
        self.buffers = {fd: bytearray() for fd in children}
        self.expected, self.received = expected, 0
        self.selector = selectors.DefaultSelector()
        for fd in children:
            self.selector.register(fd, selectors.EVENT_READ)

    def own(self) -> None:
        """Count a result the calling process made itself."""
        self.received += 1

    def ready(self) -> Iterator:
        if self.selector.get_map():
            yield from self._read(timeout=0)

    def rest(self) -> Iterator:
        while self.received < self.expected:
            if not self.selector.get_map():
                raise WorkerError(f"the workers stopped after {self.received} of {self.expected} results")
            yield from self._read(timeout=None)

    def close(self) -> None:
        self.selector.close()

    def _read(self, timeout: float | None) -> Iterator:
        for key, _ in self.selector.select(timeout):
            fd = key.fd
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.selector.unregister(fd)
                continue
            buffer = self.buffers[fd]
            buffer += chunk
            while len(buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(buffer)
                if len(buffer) < _HEADER.size + size:
                    break
                ok, value = pickle.loads(buffer[_HEADER.size:_HEADER.size + size])
                del buffer[:_HEADER.size + size]
                if not ok:
                    error = WorkerError(f"a worker failed: {value.strip().splitlines()[-1]}")
                    error.add_note(value)  # the worker's traceback, for debugging
                    raise error
                self.received += 1
                yield value


def _widen(fd: int) -> None:
    """Let a result pipe hold a megabyte where the system allows (Linux): a worker
    then rarely waits for a caller that is busy with an item of its own."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _reap(pid: int, stop: bool) -> None:
    """Wait for a worker (done: it leaves when the numbers run out); when the run is
    failing or interrupted, stop it first.  A worker that is done is waited for in a
    thread: tearing down a process of a few hundred MB takes milliseconds that the
    caller would otherwise spend waiting, at the end of every run."""
    try:
        if stop:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError, OSError):
        pass
