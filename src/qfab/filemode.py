"""The mode of the files qfab writes: what ``open()`` would give, under the usual umask."""

from __future__ import annotations

import os

__all__ = ["new_file_mode"]


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file: 0666 less the process's umask.

    Files staged with :func:`tempfile.mkstemp` (mode 0600) get this mode before they are
    renamed into place, so that results and traces are ordinary files.
    """
    umask = os.umask(0o022)  # the umask can only be read by setting it; put it back at once
    os.umask(umask)
    return 0o666 & ~umask
