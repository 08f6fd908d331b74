"""The report page: its tables hold the result document's numbers, its figures are inline,
it needs nothing from outside, its text is escaped and it never shows a key."""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path

import pytest

from qfab.engines.result import RunResult
from qfab.loading import load_scenario
from qfab.report.budget import link_budgets
from qfab.report.figures import TIER_COLOURS, report_figures
from qfab.report.folder import write_report
from qfab.report.html import GENERATOR, report_page
from tests.unit.report.reporting import EXAMPLES, page_tables, run_example, table

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def four_tier(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, object], Path]:
    """The four-tier example on the event simulation: its page, document and folder."""
    spec, result = run_example("cross_tier_request", "des")
    folder = tmp_path_factory.mktemp("report") / "four-tiers"
    write_report(folder, spec, result)
    return (folder / "index.html").read_text(encoding="utf-8"), result.to_dict(), folder


def _g(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}"


def test_requests_table_holds_the_result_documents_numbers(four_tier) -> None:
    page, document, _ = four_tier
    rows = table(page, "requests")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["request", "delivered", "rate (Hz)"]
    requests = document["requests"]
    assert len(body) == len(requests)
    for row, request in zip(body, requests):
        cells = dict(zip(header, row))
        assert cells["delivered"] == f"{request['delivered']}/{request['requested']}"
        assert cells["rate (Hz)"] == _g(request["rate_hz"])
        assert cells["fidelity"] == _g(request["fidelity"])
        low, high = request["fidelity_ci95"]
        assert cells["95% CI"] == f"[{low:.4f}, {high:.4f}]"
        assert cells["met"] == {True: "yes", False: "NO"}[request["target_met"]]


def test_links_table_holds_the_result_documents_numbers(four_tier) -> None:
    page, document, _ = four_tier
    rows = table(page, "links")
    header, body = rows[0], rows[1:]
    assert len(body) == len(document["links"]) == 10
    for row, link in zip(body, document["links"]):
        cells = dict(zip(header, row))
        assert cells["link"] == " - ".join(link["between"])
        assert cells["attempts"] == f"{link['attempts']:,}"
        assert cells["successes"] == f"{link['successes']:,}"
        assert cells["p_success"] == _g(link["p_success"])
        assert cells["fidelity"] == _g(link["fidelity"])


def test_budgets_show_every_stage_of_every_link(four_tier) -> None:
    page, _, _ = four_tier
    budgets = link_budgets(load_scenario(EXAMPLES / "cross_tier_request.yaml"))
    tables = [rows for cls, rows in page_tables(page)[0] if cls == "budget"]
    assert len(tables) == len(budgets)
    for rows, budget in zip(tables, budgets):
        assert rows[0] == ["stage", "efficiency", "loss dB", "noise"]
        assert [row[0] for row in rows[1:]] == [stage.name for stage in budget.stages] + ["total"]
        for row, stage in zip(rows[1:], budget.stages):
            assert row[1] == _g(stage.efficiency)
            assert row[2] == (f"{stage.loss_db:.2f}" if math.isfinite(stage.loss_db) else "inf")
        assert rows[-1][1] == _g(budget.efficiency)
    summary = table(page, "budget-summary")
    assert [row[0] for row in summary[1:]] == [" - ".join(b.between) for b in budgets]
    assert [row[6] for row in summary[1:]] == [_g(b.model.pair_rate) for b in budgets
                                              if b.model is not None]


def test_figures_are_inlined_and_written_as_the_same_pngs(four_tier) -> None:
    page, _, folder = four_tier
    _, images = page_tables(page)
    assert len(images) == 3  # rate, fidelity, topology
    names = ["rate.png", "fidelity.png", "topology.png"]
    for source, name in zip(images, names):
        assert source.startswith("data:image/png;base64,")
        inline = base64.b64decode(source.split(",", 1)[1])
        assert inline.startswith(b"\x89PNG\r\n\x1a\n")
        assert inline == (folder / name).read_bytes()
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [".qfab-report", "index.html", "result.json", *names])


def test_page_needs_nothing_from_outside(four_tier) -> None:
    page, _, _ = four_tier
    assert "<script" not in page.lower()
    assert "url(" not in page
    assert "@import" not in page and "@font-face" not in page
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert attribute.startswith("data:"), attribute
    assert f'<meta name="generator" content="{GENERATOR}">' in page


def test_tier_key_lists_each_tier_with_its_colour(four_tier) -> None:
    page, _, _ = four_tier
    rows = table(page, "tiers")
    assert [row[0] for row in rows[1:]] == ["nodal (inside one cryostat)", "cluster (racks)",
                                            "campus / metro", "wan (between cities)"]
    assert rows[1][1] == "qpu_a, cryo_a, cryo_b, qpu_b"
    for colour in TIER_COLOURS.values():
        assert f"background:{colour}" in page


def test_topology_picture_colours_nodes_by_tier() -> None:
    """Every tier's colour is drawn (the node markers), and no tier's colour is drawn for a
    scenario without that tier."""
    image = pytest.importorskip("matplotlib.image")
    import io

    import numpy as np

    spec, result = run_example("single_click_25km", "analytic")  # two campus nodes
    figures = {figure.name: figure for figure in report_figures(spec, result)}
    pixels = np.asarray(image.imread(io.BytesIO(figures["topology.png"].png)))[..., :3]
    rgb = np.round(pixels * 255).astype(int).reshape(-1, 3)

    def count(colour: str) -> int:
        target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int(np.sum(np.all(rgb == target, axis=1)))

    assert count(TIER_COLOURS["campus"]) > 100
    assert count(TIER_COLOURS["wan"]) == count(TIER_COLOURS["nodal"]) == 0


def test_text_is_escaped() -> None:
    from qfab.engines import run
    from qfab.loading import parse_scenario

    spec = parse_scenario({
        "qfab": 1, "name": "<script>alert(1)</script> & co", "nodes": {"a": {}, "<i>b": {}},
        "links": [{"kind": "depolarizing", "between": ["a", "<i>b"], "fidelity": 0.9,
                   "success_probability": 0.5, "cycle_time": "1 ms"}],
        "requests": [{"kind": "entanglement", "between": ["a", "<i>b"], "pairs": 2,
                      "name": "<b>bold</b>"}]})
    result = run(spec, engine="analytic")
    page = report_page(spec, result, link_budgets(spec), [], source="<x>.yaml")
    for raw in ("<script>", "<b>", "<i>", "<x>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;bold&lt;/b&gt;: a - &lt;i&gt;b" in page


def test_qkd_report_shows_key_figures_never_keys(tmp_path: Path) -> None:
    spec, result = run_example("qkd_bb84_50km", "des")
    folder = tmp_path / "qkd"
    write_report(folder, spec, result)
    page = (folder / "index.html").read_text(encoding="utf-8")
    rows = table(page, "qkd")
    request = result.requests[0]
    cells = dict(zip(rows[0], rows[1]))
    assert cells["key (bit/s)"] == _g(request.extra["key_rate_bps"])
    assert cells["final key bits"] == f"{request.extra['final_key_bits']:,.0f}"
    assert (folder / "key_rate.png").is_file()
    store = result.key_store
    assert store is not None
    a, b = store.pairs()[0]
    keys = store.get_key(a, b, number=2).keys
    assert keys
    written = b"".join(path.read_bytes() for path in folder.iterdir())
    for key in keys:
        material = key.key
        assert material.encode() not in written
        assert base64.b64decode(material).hex().encode() not in written


def test_a_stalled_run_says_so_and_what_each_request_waits_for() -> None:
    from qfab.engines.result import StallResult

    spec, result = run_example("single_click_25km", "analytic")
    stalled = RunResult(**{**result.__dict__, "stalled": StallResult(
        time_s=1.5, reason="r", waits=["requests[0] waits for a qubit at <n2>"])})
    page = report_page(spec, stalled, link_budgets(spec), [])
    assert "STALLED at 1.5 s simulated" in page
    assert "requests[0] waits for a qubit at &lt;n2&gt;" in page
