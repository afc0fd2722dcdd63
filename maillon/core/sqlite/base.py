"""Django's SQLite backend with a fair queue for writers (``ENGINE = "maillon.core.sqlite"``).

SQLite lets one writer at a time in; the others wait in its busy handler, which sleeps and tries
again (up to 100 ms between tries). Whoever tries at the right moment wins: a writer that has just
committed and begins again at once usually does, and an unlucky one can wait the whole busy timeout
while the lock is never free for long (« database is locked » after 20 s, though each transaction
takes milliseconds). Measured with 40 threads × 5 transactions of 50 ms: the longest wait was 11.9 s
with SQLite alone, 3.1 s behind the queue, for the same total time.

So every transaction (``BEGIN IMMEDIATE`` of ``atomic``, and the task worker's ``BEGIN
EXCLUSIVE``) first takes an exclusive ``flock`` on ``<database>.writers``: the kernel wakes a
waiter as soon as the lock is released, whatever the process or thread (each connection opens the
file itself). It is released at commit, rollback or close; the busy timeout stays underneath. A
writer still waiting after ``WRITE_QUEUE_SECONDS`` gets « database is locked » (a French 503 for a
person: maillon/core/busy.py). Reads never queue (WAL); nor do single statements outside a
transaction, nor an in-memory database.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

WRITE_QUEUE_SECONDS = 30.0


def _wait_for_lock(fd: int, timeout: float) -> bool:
    """Block on the lock in a helper thread (``flock`` has no timeout) and wait for it at most
    ``timeout`` seconds. The lock belongs to the file descriptor, not to the thread that took it.
    Given up: the descriptor becomes the helper's, which lets the lock go as soon as it has it and
    closes the descriptor (the caller must forget it)."""
    got, lock = threading.Event(), threading.Lock()
    state = {"abandoned": False}

    def take():
        fcntl.flock(fd, fcntl.LOCK_EX)
        with lock:
            if not state["abandoned"]:
                got.set()
                return
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    threading.Thread(target=take, name="maillon-sqlite-writers", daemon=True).start()
    if got.wait(timeout):
        return True
    with lock:
        if got.is_set():  # taken just now
            return True
        state["abandoned"] = True
    return False


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd: int | None = None
    _writers_held = False

    def _writers_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{os.path.abspath(str(self.settings_dict['NAME']))}.writers"

    def _queue_for_writing(self) -> None:
        path = self._writers_path()
        if path is None or self._writers_held:
            return
        if self._writers_fd is None:
            self._writers_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self._writers_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: no thread needed
        except BlockingIOError:
            if not _wait_for_lock(self._writers_fd, WRITE_QUEUE_SECONDS):
                self._writers_fd = None  # the helper thread closes it
                raise OperationalError(f"database is locked (waited {WRITE_QUEUE_SECONDS:.0f} s in the queue of writers)") from None
        self._writers_held = True

    def _leave_queue(self) -> None:
        if self._writers_held and self._writers_fd is not None:
            self._writers_held = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._queue_for_writing()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            super()._close()
        finally:
            self._leave_queue()
            if self._writers_fd is not None:
                os.close(self._writers_fd)
                self._writers_fd = None
