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
    _wait_for_the_workers_to_leave()  # (they finish after their last result, while the caller goes on)
    finished = {p.name for p in tmp_path.iterdir()}
    assert len(finished) == 2  # a worker that got no item finishes too
    assert {f"finished-{pid}" for _, _, pid in results} <= finished


def _wait_for_the_workers_to_leave(seconds: float = 10) -> None:
    """Until no child of this process is left, not even a zombie: a worker that is
    done is reaped by a thread of the caller."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.waitpid(-1, os.WNOHANG)  # (may reap one before the reaper thread does)
        except ChildProcessError:
            return
        time.sleep(0.01)
    raise AssertionError("a worker was left behind")


def test_workers_that_are_done_are_reaped_while_the_caller_goes_on():
    for here in (False, True):
        assert len(list(forkpool.imap_unordered(square, list(range(100)), 3, here=here))) == 100
        _wait_for_the_workers_to_leave()


# -- the caller as one of the workers (here=True) ------------------------------------
@pytest.mark.parametrize("n, workers", [(1, 2), (2, 2), (31, 2), (100, 3), (5_000, 2), (7, 1)])
def test_the_caller_takes_a_share_and_every_result_still_comes_back_once(n, workers):
    results = list(forkpool.imap_unordered(square, list(range(n)), workers, here=True))
    assert sorted((i, sq) for i, sq, _ in results) == [(i, i * i) for i in range(n)]
    pids = {pid for _, _, pid in results}
    assert len(pids) <= min(n, workers)
    if workers == 1:
        assert pids == {os.getpid()}  # nothing forked


def slow_square(n: int) -> tuple[int, int, int]:
    if n % 2:
        import time

        time.sleep(0.002)
    return n, n * n, os.getpid()


def test_the_caller_and_its_workers_both_work():
    results = list(forkpool.imap_unordered(slow_square, list(range(200)), 2, here=True))
    pids = {pid for _, _, pid in results}
    assert os.getpid() in pids and len(pids) == 2


def test_big_results_reach_a_caller_that_is_busy_with_its_own_items():
    text = "障害" * 300_000  # 1.2 MB a result: more than even a widened pipe holds

    def big(k):
        return k, os.getpid(), text * (k % 3 + 1)

    results = list(forkpool.imap_unordered(big, list(range(12)), 2, here=True))
    assert sorted(k for k, _, _ in results) == list(range(12))
    assert all(len(t) == len(text) * (k % 3 + 1) for k, _, t in results)


def test_a_worker_dying_while_the_caller_works_fails_the_run():
    def die_in_a_worker(n: int) -> int:
        if n >= 3 and os.getpid() != caller:
            os._exit(9)
        return slow_square(n)

    caller = os.getpid()
    with pytest.raises(forkpool.WorkerError):
        for _ in forkpool.imap_unordered(die_in_a_worker, list(range(40)), 2, here=True):
            pass
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_an_exception_of_the_callers_own_item_stops_the_workers():
    def fail_here(n: int) -> int:
        if os.getpid() != caller:
            import time

            time.sleep(0.005)  # a slow worker: the caller surely takes items too
        elif n >= 5:
            raise ValueError("the caller's own item")
        return n

    caller = os.getpid()
    with pytest.raises(ValueError, match="the caller's own item"):
        list(forkpool.imap_unordered(fail_here, list(range(200)), 2, here=True))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
