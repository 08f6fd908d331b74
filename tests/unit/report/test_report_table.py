"""Text summary of a run."""

from qfab.engines.result import LinkResult, RequestResult, RunResult
from qfab.report.table import format_result


def test_table_shows_links_requests_and_unknowns_as_dashes() -> None:
    result = RunResult(
        scenario="demo", engine="analytic", seed=0, sim_time_s=2.0, wall_time_s=0.01,
        events=None, links=[LinkResult(("a", "b"), None, None, 0.1, 100.0, 0.95)],
        requests=[RequestResult(("a", "b"), 10, 7, 50.0, 0.93, None, 0.02, 0.99, False)],
    )
    text = format_result(result)
    assert "demo  [engine analytic, seed 0]" in text
    assert "a - b" in text and "7/10" in text and "NO" in text
    link_line = next(line for line in text.splitlines() if line.startswith("a - b"))
    assert link_line.split()[3] == "-"  # attempts unknown to the analytic engine
