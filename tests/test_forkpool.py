"""The worker processes behind --jobs (linter/forkpool.py): every item's result
comes back once, whatever the number of items and workers, and a worker that
raises or dies fails the run with its error instead of hanging it."""
from __future__ import annotations

import os

import pytest

from linter import forkpool

pytestmark = pytest.mark.skipif(not forkpool.available(), reason="needs os.fork")


def square(n: int) -> tuple[int, int, int]:
    return n, n * n, os.getpid()


@pytest.mark.parametrize("n, workers", [(1, 2), (2, 2), (31, 2), (100, 3), (40_000, 2)])
def test_every_result_comes_back_once(n, workers):
    results = list(forkpool.imap_unordered(square, list(range(n)), workers))
    assert sorted((i, sq) for i, sq, _ in results) == [(i, i * i) for i in range(n)]
    pids = {pid for _, _, pid in results}
    assert os.getpid() not in pids and len(pids) <= min(n, workers)


def test_big_results_pass_through():
    text = "障害" * 300_000  # 1.2 MB a result: more than a pipe holds
    results = list(forkpool.imap_unordered(lambda k: (k, text * (k + 1)), [0, 1, 2, 3], 2))
    assert sorted((k, len(t)) for k, t in results) == [(k, len(text) * (k + 1)) for k in range(4)]


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


def test_an_exception_in_a_worker_fails_the_run_with_its_traceback():
    with pytest.raises(forkpool.WorkerError, match="seven is not allowed") as failed:
        list(forkpool.imap_unordered(fail_on_seven, list(range(20)), 2))
    assert "\n" not in str(failed.value)  # one line; the traceback is a note
    assert "fail_on_seven" in failed.value.__notes__[0]


def die_on_three(n: int) -> int:
    if n == 3:
        os._exit(9)
    return n


def test_a_worker_that_dies_fails_the_run_instead_of_hanging_it():
    with pytest.raises(forkpool.WorkerError, match="stopped after"):
        list(forkpool.imap_unordered(die_on_three, list(range(3, 4)), 1))
    with pytest.raises(forkpool.WorkerError):
        list(forkpool.imap_unordered(die_on_three, list(range(10)), 2))


def test_no_worker_is_left_behind_when_the_caller_stops_early():
    results = forkpool.imap_unordered(square, list(range(1000)), 2)
    next(results)
    results.close()  # the caller stops: the workers are stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_each_worker_calls_finish_when_no_item_is_left(tmp_path):
    def finish():
        (tmp_path / f"finished-{os.getpid()}").write_text("", encoding="utf-8")

    results = list(forkpool.imap_unordered(square, list(range(50)), 2, finish=finish))
    finished = {p.name for p in tmp_path.iterdir()}
    assert len(finished) == 2  # a worker that got no item finishes too
    assert {f"finished-{pid}" for _, _, pid in results} <= finished
