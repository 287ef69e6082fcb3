"""Keep the data directory private to the account that runs the product.

The directory holds client data, wrapped keys and the embedded default's secrets. Every
file a process creates is owner-only (umask 077); a directory left readable by others (an
older release made it 0755 and its files 0644) is tightened when a process starts.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """Create every later file owner-only (0600) and directory 0700, in this process."""
    os.umask(PRIVATE_UMASK)


def restrict_data_dir(data_dir: Path) -> None:
    """Make an existing data directory 0700 and everything in it owner-only."""
    if not data_dir.is_dir():
        return
    for folder, directories, files in os.walk(data_dir):
        os.chmod(folder, 0o700)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, 0o600)
