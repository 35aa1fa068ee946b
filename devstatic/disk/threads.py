"""How many threads devstatic runs, and why: the one policy every pool follows.

A thread helps only while the GIL is released for long: a system call that waits (the
disk, the kernel, the network) or C code over a large buffer (``hashlib`` over 2 KiB).
Python work in threads only adds hand-offs, so each kind of work gets one size, here:

- ``SERVE_IO``: the middleware's ``stat``/``open``/``read`` calls, one per request.
- ``DISK_WRITES``: local copies once the kernel is the bottleneck.
- ``hashing()``: hashing large files, C code bound by the cores.
- ``UPLOADS``: an object store's requests, which wait on the network (listing a bucket
  too: ``max-workers`` chains of pages side by side).
- One thread each for what ``collectstatic`` starts before its copies
  (``Storage.begin``): a bucket's listing, the sources' MD5s, the manifest's hashing pass.

Every pool is made by ``executor``, named ``devstatic-<what>`` so a stack dump says
whose thread it is.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

#: Enough for concurrent downloads without letting a burst of requests spawn hundreds.
SERVE_IO = 16
#: Measured on 5 000 files whose creation costs the kernel ~0.5 ms each: one thread
#: 3.7 s, four 2.4 s, eight 2.2 s. Four take most of the gain, even on two cores.
DISK_WRITES = 4
#: ``S3Storage``'s default ``max-workers``: uploads wait on the network, not the CPU.
UPLOADS = 8
#: Never more hashing threads than this, however many cores.
MAX_HASHING = 8


def hashing() -> int:
    """Threads for hashing: one per core, at most ``MAX_HASHING`` (1 means in line)."""
    return min(MAX_HASHING, os.cpu_count() or 1)


def executor(workers: int, what: str) -> ThreadPoolExecutor:
    """A pool of ``workers`` threads named ``devstatic-<what>``."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"devstatic-{what}")
