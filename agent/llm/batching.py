"""Cross-session batching: `complete` calls that arrive while the model is busy go in one `generate`.

One worker thread per model takes the oldest waiting call plus every other waiting call that can
share its generation settings (`BatchQueue.key`), up to `max_rows` sequences, and hands them to the
model's batch function together. Nothing waits on purpose: a lone call runs at once; calls pile up
only while a generation is running, and then leave together. Callers block until their own result
(or error) is ready. With `max_rows=0` every call runs alone, in arrival order.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable


@dataclass
class Job:
    """One caller's request; `rows` is how many sequences it adds to a batch."""

    payload: Any
    key: Hashable
    rows: int
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class BatchQueue:
    def __init__(self, run: Callable[[list[Job]], None], max_rows: int = 16, name: str = "empathica-batch"):
        """`run(jobs)` must set each job's `result` or `error`; it runs on the worker thread."""
        self._run, self.max_rows = run, max_rows
        self._waiting: deque[Job] = deque()
        self._ready = threading.Condition()
        self._worker = threading.Thread(target=self._loop, name=name, daemon=True)
        self._worker.start()
        self.batches: list[int] = []  # jobs per batch run so far (for the bench and tests)

    @property
    def waiting(self) -> int:
        """Calls queued for the model (not counting one running)."""
        return len(self._waiting)

    def submit(self, payload: Any, key: Hashable, rows: int) -> Any:
        job = Job(payload, key, rows)
        with self._ready:
            self._waiting.append(job)
            self._ready.notify()
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _take(self) -> list[Job]:
        """The oldest job and the waiting jobs with its key that fit in `max_rows`."""
        first = self._waiting.popleft()
        batch, rows, kept = [first], first.rows, deque()
        while self._waiting:
            job = self._waiting.popleft()
            if job.key == first.key and rows + job.rows <= self.max_rows:
                batch.append(job)
                rows += job.rows
            else:
                kept.append(job)
        self._waiting.extendleft(reversed(kept))
        return batch

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._waiting:
                    self._ready.wait()
                batch = self._take()
            self.batches.append(len(batch))
            try:
                self._run(batch)
            except BaseException as exc:  # noqa: BLE001 - every caller gets it
                for job in batch:
                    job.error = job.error or exc
            for job in batch:
                job.done.set()
