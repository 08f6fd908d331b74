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


def test_a_long_path_is_shown_by_its_ends_and_length() -> None:
    path = [f"n{i}" for i in range(100_000)]
    request = RequestResult(("n0", "n99999"), 1, 1, 5.0, 0.9, None, 0.02, None, None,
                            path=path)
    result = RunResult(scenario="chain", engine="des", seed=0, sim_time_s=1.0,
                       wall_time_s=0.1, events=1, links=[], requests=[request])
    line = format_result(result).splitlines()[-1]
    assert line == ("n0 - n99999:  path n0 - n1 - n2 - n3 - n4 - n5 - ... - n99994 - n99995 - "
                    "n99996 - n99997 - n99998 - n99999 (100,000 nodes)")
    short = RequestResult(("a", "c"), 1, 1, 5.0, 0.9, None, 0.02, None, None,
                          path=["a", "b", "c"])
    assert format_result(RunResult(scenario="s", engine="des", seed=0, sim_time_s=1.0,
                                   wall_time_s=0.1, events=1, links=[], requests=[short])
                         ).splitlines()[-1] == "a - c:  path a - b - c"
