"""Group commit: one writer thread per service process stores concurrently arriving commands
together, in ONE store transaction (one durable commit, one fsync) per batch.

A request thread hands its command to :meth:`WriteQueue.execute` and waits.  The writer
thread takes the first waiting command, then every other one already queued (at most
``batch`` in all: a batch closes when the queue is empty or full), and runs them through
:meth:`Application.execute_batch <astratrade_shell.app.Application.execute_batch>` under the
process's write lock: load and decide each in arrival order (a later command sees the
earlier ones' events), append all their events in one transaction, publish, run the
policies, answer each request.  The outcome of each command is what executing them one by
one in that order would give; durability is unchanged (the store still commits with fsync
before anyone is answered).  While a batch commits, the next one queues up, so the cost of
a commit is shared by every command that arrived meanwhile.

With ``batch=1`` there is no writer thread: each request executes alone under the lock (one
commit per command, the behaviour before group commit -- the benchmark's baseline).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any

import attrs
from returns.result import Result

from astratrade_core.aggregate import Aggregate, Command
from astratrade_core.errors import DomainError
from astratrade_shell.app import Application, Executed

__all__ = ["WriteQueue"]


@attrs.frozen
class _Job:
    aggregate: Aggregate[Any, Any]
    stream_id: str
    command: Command
    answer: Future[Result[Executed[Any], DomainError]] = attrs.field(factory=Future)


class WriteQueue:
    """Commands waiting for the process's writer thread (see the module docstring)."""

    def __init__(self, app: Application, lock: threading.Lock, *, batch: int = 64) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self._app = app
        self._lock = lock
        self._batch = batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        if batch > 1:
            self._writer = threading.Thread(target=self._drain, name="astratrade-writer",
                                            daemon=True)
            self._writer.start()

    def execute(self, aggregate: Aggregate[Any, Any], stream_id: str,
                command: Command) -> Result[Executed[Any], DomainError]:
        """What ``Application.execute(aggregate, stream_id, command)`` answers, stored in the
        writer's next batch (exceptions are raised here, in the caller's thread)."""
        if self._writer is None:
            with self._lock:
                return self._app.execute(aggregate, stream_id, command)
        job = _Job(aggregate, stream_id, command)
        self._jobs.put(job)
        return job.answer.result()

    def close(self) -> None:
        """Finish the queued commands and stop the writer thread."""
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join()
            self._writer = None

    def _drain(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                return
            jobs = [first]
            while len(jobs) < self._batch:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                jobs.append(job)
            self._run(jobs)

    def _run(self, jobs: list[_Job]) -> None:
        with self._lock:
            try:
                outcomes = self._app.execute_batch(
                    [(j.aggregate, j.stream_id, j.command) for j in jobs])
            except Exception:
                for job in jobs:  # safe: a command id is stored at most once
                    try:
                        job.answer.set_result(self._app.execute(job.aggregate, job.stream_id,
                                                                job.command))
                    except Exception as exc:
                        job.answer.set_exception(exc)
                return
        for job, outcome in zip(jobs, outcomes, strict=True):
            job.answer.set_result(outcome)
