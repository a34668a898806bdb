"""Write outputs so that a crash, a kill or a full disk never leaves a half-written file.

Every output goes to a temporary file in the same folder, is flushed and synced, and
only then replaces the target with ``os.replace`` (atomic on POSIX and Windows). On any
error the temporary files are removed and the old targets are left exactly as they
were. ``atomic_write_csvs`` writes several files all-or-nothing: every temporary file
is complete before the first one replaces its target.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pandas as pd


def _write_temp(path: Path, write: Callable[[IO[str]], None]) -> Path:
    """Write a complete temporary file beside ``path``; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, f"could not write {path}: {err.strerror or err}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, write: Callable[[IO[str]], None]) -> Path:
    """Call ``write(handle)`` on a temporary UTF-8 text file, then rename it to ``path``."""
    path = Path(path)
    os.replace(_write_temp(path, write), path)
    return path


def _csv_writer(frame: pd.DataFrame) -> Callable[[IO[str]], None]:
    return lambda handle: frame.to_csv(handle, index=False, lineterminator="\n")


def atomic_write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV (``\\n`` line ends, no index) atomically."""
    return atomic_write(Path(path), _csv_writer(frame))


def atomic_write_csvs(targets: dict[Path, pd.DataFrame]) -> list[Path]:
    """Write several CSVs all-or-nothing: all temporary files first, then the renames."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, frame in targets.items():
            temps.append((_write_temp(Path(path), _csv_writer(frame)), Path(path)))
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in temps:
        os.replace(tmp, path)
    return [path for _, path in temps]
