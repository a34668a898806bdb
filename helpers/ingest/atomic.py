"""Write outputs so that a crash, a kill or a full disk never leaves a half-written file.

Every output goes to a temporary file in the same folder, is flushed and synced, and
only then replaces the target with ``os.replace`` (atomic on POSIX and Windows). On any
error the temporary file is removed and the old target is left exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pandas as pd


def atomic_write(path: Path, write: Callable[[IO[str]], None]) -> Path:
    """Call ``write(handle)`` on a temporary UTF-8 text file, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV (``\\n`` line ends, no index) atomically."""
    return atomic_write(path, lambda handle: frame.to_csv(handle, index=False, lineterminator="\n"))
