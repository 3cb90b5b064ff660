"""Compiled templates kept between runs in the cache folder: compiling the three dozen report
templates costs more than a third of a second, which a single profile should not pay each time.
Jinja checks each entry against its template's source, so an edited template is compiled anew.
"""

from __future__ import annotations

from functools import cache

import jinja2

from dwk.core import paths


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    folder = paths.cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
