"""Many files read and checked at once: a first store build reads 39 files (27 s on one core
here), which spawned processes share out; a file's error still surfaces in its turn."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from dwk.core.cores import usable_cores
from dwk.core.lifeline import die_with_parent
from dwk.sources.tables.meta import TableMeta
from dwk.sources.validate import read_table

__all__ = ["read_tables"]

PARALLEL_BYTES = 8_000_000  # less is read faster than processes start (about a second each)


def read_tables(files: list[tuple[Path, bytes]]) -> Iterator[tuple[TableMeta, pd.DataFrame]]:
    """`read_table` of each file, in their order: in this process for a few small files, else
    on one spawned process per core. Results and errors are the same either way (the readers
    depend on nothing but the bytes); an error is raised when its file's turn comes."""
    workers = min(usable_cores(), len(files))
    if workers < 2 or sum(len(data) for _, data in files) < PARALLEL_BYTES:
        for path, data in files:
            yield read_table(path, data)
        return
    with ProcessPoolExecutor(
        workers, get_context("spawn"), die_with_parent, (os.getpid(),)
    ) as pool:
        futures: list = [pool.submit(read_table, path, data) for path, data in files]
        try:
            for i in range(len(futures)):
                done, futures[i] = futures[i], None  # hold no frame the store has written
                yield done.result()
        except BaseException:  # an error or Ctrl-C: the files after it are not needed
            for future in futures:
                if future is not None:
                    future.cancel()
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise
