"""The ``qfab plot`` command: its arguments, and a handler that draws with
:mod:`qfab.report.plots`.

Only argparse is imported here, so that building the ``qfab`` parser (``qfab --help``) does
not load NumPy or matplotlib; the handler imports the plotting module when it runs.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

__all__ = ["add_plot_command", "default_output"]


def add_plot_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``qfab plot`` on the sub-command set of the ``qfab`` parser.

    ``qfab plot RESULTS --x COL --y COL [--hue COL] [--out PATH] [--logx] [--logy]
    [--plob] [--plob-rate HZ] [--plob-attenuation DB_PER_KM] [--title TEXT]
    [--xlabel TEXT] [--ylabel TEXT]``. The handler (``args.handler``) returns the exit
    status and raises :class:`~qfab.errors.QfabError` for user mistakes.

    Parameters
    ----------
    subparsers
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``plot`` parser.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plot", help="plot one column of a results table against another",
        description="Plot column Y against column X of a results table (Parquet) and "
                    "write a PNG and an SVG. Repeated X values are averaged (mean and "
                    "standard-error bars). Axes are labelled with the quantity and its unit "
                    "(lengths in km). The PLOB bound is drawn only against a comparable "
                    "quantity: a rate in Hz (with --plob-rate) or a column per channel use.")
    parser.add_argument("results", type=Path, metavar="RESULTS",
                        help="Parquet file or directory of Parquet files (with --tdev: a "
                             "JSON result document, qfab run --json)")
    parser.add_argument("--x", metavar="COL", help="column on the x axis (required but "
                        "with --tdev)")
    parser.add_argument("--y", metavar="COL", help="column on the y axis (required but "
                        "with --tdev)")
    parser.add_argument("--tdev", action="store_true",
                        help="draw the TDEV of each clock_sync request of a JSON result "
                             "document (log-log, with the closed form, the target, the "
                             "baselines and the request's reference points)")
    parser.add_argument("--hue", metavar="COL", help="one line per value of this column")
    parser.add_argument("--out", type=Path, metavar="PATH",
                        help="output path without suffix; .png and .svg are written "
                             "(default: RESULTS' stem + _<y>_vs_<x>, next to RESULTS)")
    parser.add_argument("--logx", action="store_true", help="logarithmic x axis")
    parser.add_argument("--logy", action="store_true", help="logarithmic y axis")
    parser.add_argument("--plob", action="store_true",
                        help="overlay the PLOB repeaterless bound, X being fibre length in metres")
    parser.add_argument("--plob-rate", type=_positive, metavar="HZ",
                        help="channel uses per second: the bound in bit/s, to compare with a "
                             "rate in Hz (implies --plob)")
    parser.add_argument("--plob-attenuation", type=_nonnegative, default=0.2,
                        metavar="DB_PER_KM", help="fibre attenuation of the bound (default 0.2)")
    parser.add_argument("--title", help="figure title (default: '<y> vs <x>'; '' for none)")
    parser.add_argument("--xlabel", help="x axis label (default: the quantity and its unit)")
    parser.add_argument("--ylabel", help="y axis label (default: the quantity and its unit)")
    parser.set_defaults(handler=_plot_command)
    return parser


def default_output(results: Path, *, x: str, y: str) -> Path:
    """``RESULTS``' stem + ``_<y>_vs_<x>``, next to ``RESULTS`` (no suffix)."""
    base = results if results.stem else results.resolve()
    name = re.sub(r"[^A-Za-z0-9_\-]+", "_", f"{base.stem}_{y}_vs_{x}")
    return base.parent / name


def _plot_command(args: argparse.Namespace) -> int:
    from qfab.errors import QfabError

    if args.tdev:
        return _tdev_command(args)
    for flag in ("x", "y"):
        if getattr(args, flag) is None:
            raise QfabError(f"--{flag}: required (the column on the {flag} axis), unless "
                            "--tdev")
    from qfab.report.plots import plot_table, read_results

    table = read_results(args.results)
    out = args.out if args.out is not None else default_output(args.results, x=args.x, y=args.y)
    paths = plot_table(table, x=args.x, y=args.y, hue=args.hue, out=out, logx=args.logx,
                       logy=args.logy, plob=args.plob or args.plob_rate is not None,
                       plob_attenuation_db_per_km=args.plob_attenuation,
                       plob_rate_hz=args.plob_rate, title=args.title,
                       xlabel=args.xlabel, ylabel=args.ylabel)
    for path in paths:
        print(path)
    return 0


def _tdev_command(args: argparse.Namespace) -> int:
    """``qfab plot RESULT.json --tdev``: one TDEV figure per clock-sync row."""
    from qfab.errors import QfabError
    from qfab.report.tdev_plot import clock_sync_rows, plot_tdev

    found = clock_sync_rows(args.results)
    if not found:
        raise QfabError(f"{args.results}: no clock_sync request in this result document")
    rows = [row for row in found if row.get("tdev")]  # a satellite pass has no TDEV
    if not rows:
        raise QfabError(f"{args.results}: no clock_sync request with a TDEV (over a "
                        "satellite pass the precision is the pass's: see its row)")
    base = args.out if args.out is not None else args.results.with_suffix("")
    for index, row in enumerate(rows):
        out = Path(f"{base}_tdev" + (f"_{index}" if len(rows) > 1 else ""))
        for path in plot_tdev(row, out, title=args.title):
            print(path)
    return 0


def _positive(text: str) -> float:
    value = _float(text)
    if not value > 0.0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _nonnegative(text: str) -> float:
    value = _float(text)
    if not value >= 0.0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
