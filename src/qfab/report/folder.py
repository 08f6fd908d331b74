"""The report folder of a run (``qfab run FILE --report DIR``): written whole or not at all.

:func:`write_report` builds the page (:func:`qfab.report.html.report_page`), its figures
(:func:`qfab.report.figures.report_figures`, and a satellite pass figure per link with a
schedule, :func:`qfab.report.passes.pass_figures`) and the result document, writes them into a
new temporary folder beside ``DIR`` and renames that folder to ``DIR``: an error leaves no
half-written report. A previous report in ``DIR`` (recognised by its marker file,
:data:`MARKER`, and holding nothing but report files) is replaced; anything else that is
already there is refused (:func:`check_report_dir`, called before the run), so that a
report never deletes a user's files. An empty folder is taken as a new one.

The folder holds ``index.html`` (the page, self-contained), one PNG per figure, the result
document ``result.json`` (without keys: :meth:`~qfab.engines.result.RunResult.to_dict`)
and the marker.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from qfab.engines.result import RunResult
from qfab.errors import QfabError
from qfab.filemode import new_file_mode
from qfab.report.budget import link_budgets
from qfab.report.figures import report_figures
from qfab.report.html import report_page
from qfab.report.passes import pass_figures
from qfab.spec.models import ScenarioSpec

__all__ = ["MARKER", "ReportError", "check_report_dir", "write_report"]

#: The file that marks a folder as a qfab report (it may be replaced by a new one).
MARKER = ".qfab-report"

#: The files a report holds besides its PNG figures.
_REPORT_FILES = frozenset({"index.html", "result.json", MARKER})


class ReportError(QfabError):
    """A report folder that cannot be written (its message names the folder and why)."""


def _is_report_file(name: str) -> bool:
    return name in _REPORT_FILES or name.endswith(".png")


def check_report_dir(directory: Path) -> None:
    """Refuse, before anything runs, a report folder that could not be written.

    Raises
    ------
    ReportError
        ``directory`` is a file, a folder that holds anything but a previous report, or a
        place where the folder cannot be created (a file in the way of its parent folders,
        which are created when missing; no permission).
    """
    if directory.exists() or directory.is_symlink():
        if not directory.is_dir() or directory.is_symlink():
            raise ReportError(f"{directory} exists and is not a folder")
        entries = list(directory.iterdir())
        if entries and not _is_previous_report(directory, entries):
            raise ReportError(f"{directory} exists and is not a qfab report (it holds files "
                              f"that writing a report would replace); choose a new folder")
    parent = directory.absolute().parent
    while not parent.exists():  # missing parent folders are created
        parent = parent.parent
    if not parent.is_dir():
        raise ReportError(f"cannot create {directory}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(f"cannot create {directory} in {parent} (permission denied)")


def _is_previous_report(directory: Path, entries: list[Path]) -> bool:
    return (directory / MARKER).is_file() and all(
        entry.is_file() and not entry.is_symlink() and _is_report_file(entry.name)
        for entry in entries)


def write_report(directory: Path, spec: ScenarioSpec, result: RunResult, *,
                 source: str | None = None) -> list[Path]:
    """Write the report of ``result`` (a run of ``spec``) into ``directory``.

    Parameters
    ----------
    directory
        The report folder; created, or a previous report replaced.
    spec
        The scenario that ran.
    result
        Its result.
    source
        The scenario file's name, for the page's footer.

    Returns
    -------
    list of pathlib.Path
        The files written: ``index.html``, the PNG figures and ``result.json``.

    Raises
    ------
    ReportError
        The folder is not free for a report (:func:`check_report_dir`) or cannot be written;
        nothing is left behind.
    qfab.errors.QfabError
        matplotlib is not installed.
    """
    check_report_dir(directory)
    budgets = link_budgets(spec)
    figures = report_figures(spec, result) + pass_figures(spec, budgets)
    page = report_page(spec, result, budgets, figures, source=source)
    files: dict[str, bytes] = {"index.html": page.encode("utf-8")}
    files.update((figure.name, figure.png) for figure in figures)
    files["result.json"] = (json.dumps(result.to_dict(), indent=2) + "\n").encode("utf-8")
    files[MARKER] = b"qfab report folder: qfab run --report may replace it\n"
    absolute = directory.absolute()
    try:
        absolute.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=absolute.parent, prefix=f".{absolute.name}."))
    except OSError as error:
        raise ReportError(f"cannot write into {absolute.parent}: "
                          f"{error.strerror or error}") from None
    try:
        mode = new_file_mode()
        # mkdtemp makes a 0700 folder; a report is an ordinary one: searchable by whoever
        # may read its files (0644 files, 0755 folder under the usual umask)
        os.chmod(staging, mode | (mode & 0o444) >> 2)
        for name, content in files.items():
            path = staging / name
            path.write_bytes(content)
            os.chmod(path, mode)
        _replace(staging, absolute)
    except OSError as error:
        raise ReportError(f"cannot write {directory}: {error.strerror or error}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return [directory / name for name in files if name != MARKER]


def _replace(staging: Path, directory: Path) -> None:
    """Rename ``staging`` to ``directory``; a previous report there is moved aside first and
    removed after, or put back if the rename fails."""
    if not directory.exists():
        os.rename(staging, directory)
        return
    aside = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.old."))
    aside.rmdir()
    os.rename(directory, aside)
    try:
        os.rename(staging, directory)
    except OSError:
        os.rename(aside, directory)
        raise
    shutil.rmtree(aside, ignore_errors=True)
