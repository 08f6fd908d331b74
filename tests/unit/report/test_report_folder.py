"""The report folder: written whole or not at all, a previous report replaced, anything else
refused before the run; ``qfab run --report`` for every engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qfab.cli import main
from qfab.report import folder as report_folder
from qfab.report.folder import MARKER, ReportError, check_report_dir, write_report
from tests.unit.report.reporting import EXAMPLES, run_example, table

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def single_click() -> tuple[object, object]:
    return run_example("single_click_25km", "analytic")


def _leftovers(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


@pytest.mark.parametrize("engine", ["analytic", "fast", "des"])
def test_cli_writes_a_report_for_every_engine(tmp_path: Path, engine: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "report"  # missing parents are created
    status = main(["run", str(EXAMPLES / "single_click_25km.yaml"), "--engine", engine,
                   "--report", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert f"[engine {engine}," in printed  # the summary is printed as without --report
    page = (out / "index.html").read_text(encoding="utf-8")
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert document["engine"] == engine
    rows = table(page, "requests")
    assert dict(zip(rows[0], rows[1]))["rate (Hz)"] == f"{document['requests'][0]['rate_hz']:.4g}"
    for name in ("rate.png", "fidelity.png", "topology.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    assert _leftovers(out.parent) == []


def test_a_previous_report_is_replaced(tmp_path: Path, single_click) -> None:
    spec, result = single_click
    out = tmp_path / "report"
    write_report(out, spec, result)
    (out / "stale.png").write_bytes(b"old figure")
    write_report(out, spec, result)
    assert not (out / "stale.png").exists()
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert _leftovers(tmp_path) == []


def test_an_empty_folder_is_taken(tmp_path: Path, single_click) -> None:
    spec, result = single_click
    out = tmp_path / "report"
    out.mkdir()
    write_report(out, spec, result)
    assert (out / "index.html").is_file()


def _user_files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    return folder


def _marker_and_user_files(folder: Path) -> Path:
    _user_files(folder)
    (folder / MARKER).write_text("")
    return folder


def _page_without_marker(folder: Path) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text("mine")
    return folder


def _a_file(folder: Path) -> Path:
    folder.write_text("a file")
    return folder


def _under_a_file(folder: Path) -> Path:
    folder.write_text("a file")
    return folder / "sub" / "report"


@pytest.mark.parametrize("setup, message", [
    (_user_files, "exists and is not a qfab report"),
    (_marker_and_user_files, "exists and is not a qfab report"),
    (_page_without_marker, "exists and is not a qfab report"),
    (_a_file, "exists and is not a folder"),
    (_under_a_file, "is not a folder"),
])
def test_a_folder_that_is_not_a_report_is_refused(tmp_path: Path, setup, message: str) -> None:
    target = setup(tmp_path / "report")
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    with pytest.raises(ReportError, match=message):
        check_report_dir(target)
    assert sorted(str(path) for path in tmp_path.rglob("*")) == before


def test_cli_refuses_before_running(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run started")

    monkeypatch.setattr("qfab.engines.run", no_run)
    status = main(["run", str(EXAMPLES / "single_click_25km.yaml"), "--report", str(out)])
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith(f"qfab: error: --report: {out} exists and is not a qfab report")
    assert error.count("\n") == 1
    assert (out / "thesis.tex").read_text() == "precious"
    status = main(["run", str(EXAMPLES / "single_click_25km.yaml"), "--report",
                   str(tmp_path / "r"), "--out", str(tmp_path / "r")])
    assert status == 2
    assert "--report: " in capsys.readouterr().err


def test_an_error_while_writing_leaves_nothing(tmp_path: Path, single_click,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spec, result = single_click
    out = tmp_path / "report"
    written: list[str] = []
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(self.name)
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(ReportError, match="No space left on device"):
        write_report(out, spec, result)
    assert written == ["index.html"]  # one file was written before the failure
    assert list(tmp_path.iterdir()) == []


def test_a_failed_replacement_keeps_the_previous_report(tmp_path: Path, single_click,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    spec, result = single_click
    out = tmp_path / "report"
    write_report(out, spec, result)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    renames: list[str] = []
    original = report_folder.os.rename

    def rename(source: object, target: object) -> None:
        renames.append(str(target))
        if len(renames) == 2:  # the new report into place
            raise OSError(5, "Input/output error")
        original(source, target)

    monkeypatch.setattr(report_folder.os, "rename", rename)
    with pytest.raises(ReportError, match="Input/output error"):
        write_report(out, spec, result)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("engine", ["analytic", "des"])
def test_a_clock_sync_report_shows_its_tdev_and_table(tmp_path: Path, engine: str) -> None:
    """A clock-sync request delivers offset estimates, not pairs: its report draws the TDEV
    (no pair-rate bars) and lists the clock-sync figures beside the budget."""
    spec, result = run_example("clock_sync/metro_50km", engine=engine)
    write_report(tmp_path / "report", spec, result)
    names = sorted(path.name for path in (tmp_path / "report").iterdir())
    assert "tdev.png" in names and "rate.png" not in names
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Clock synchronization" in page and "error budget at 10 s" in page
    assert "White Rabbit" in page
