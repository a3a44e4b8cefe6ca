"""Which idle query process answers next: the one that answered last; one that replaces a killed one, last."""

from __future__ import annotations

import queue
import threading

import pytest

from plankg.domain.executor import _Idle


def test_the_worker_that_answered_last_answers_next_and_a_fresh_one_last() -> None:
    idle = _Idle()
    first, second, fresh = object(), object(), object()
    idle.put(first)  # type: ignore[arg-type]
    idle.put(fresh, fresh=True)  # type: ignore[arg-type]
    idle.put(second)  # type: ignore[arg-type]
    assert [idle.get(1), idle.get(1), idle.get(1)] == [second, first, fresh]


def test_no_free_worker_within_the_wait_is_queue_empty() -> None:
    with pytest.raises(queue.Empty):
        _Idle().get(0.05)


def test_a_waiting_request_gets_the_worker_put_back_meanwhile() -> None:
    idle, worker = _Idle(), object()
    threading.Timer(0.1, idle.put, args=(worker,)).start()
    assert idle.get(10) is worker
