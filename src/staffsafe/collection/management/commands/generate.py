"""staffsafe generate: a synthetic national collection, calibrated to published figures.

The work is done by the pure `staffsafe.collection.synthetic`; this is the CLI edge: options,
progress and the summary. `docs/synthetic-data.md` explains the calibration.
"""

from __future__ import annotations

import shutil
import sys
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffsafe.collection import synthetic
from staffsafe.datastandard import codes

OUTPUTS = ("returns", "returns.parquet", "trusts.csv", "headcounts.csv", ".parts")


def _month(text: str) -> synthetic.Period:
    try:
        return synthetic.Period.parse(text)
    except ValueError as error:
        raise CommandError(f"--start must be a month written YYYY-MM, like 2025-04, not "
                           f"'{text}'.") from error


class Command(BaseCommand):
    help = (
        "Write a synthetic national collection: made-up trusts (ODS codes starting with Z, "
        "names ending '(synthetic)') and their monthly returns in the national data standard, "
        "calibrated to NHS Protect 2015/16 and the NHS Staff Survey. Writes "
        "DIR/returns/<ODS>/<YYYY-MM>.csv with <YYYY-MM>.header.json beside each, "
        "DIR/trusts.csv and DIR/headcounts.csv. The same options and seed always give "
        "byte-identical files. See docs/synthetic-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                            help="Directory to write into (created if missing).")
        parser.add_argument("--trusts", type=int, default=synthetic.REFERENCE_TRUSTS,
                            metavar="N", help="Number of trusts, spread over sectors and "
                            "regions like the NHS in England (default: %(default)s).")
        parser.add_argument("--months", type=int, default=12, metavar="M",
                            help="Number of monthly returns per trust (default: %(default)s).")
        parser.add_argument("--start", type=_month, default=synthetic.Period(
            *synthetic.DEFAULT_START), metavar="YYYY-MM",
            help="First month (default: 2025-04, so the default run is the financial year "
            "2025/26, like the NHS Protect figures it is calibrated to).")
        parser.add_argument("--seed", type=int, default=0, metavar="S",
                            help="Random seed: same seed, same output (default: %(default)s).")
        parser.add_argument("--scale", type=float, default=1.0, metavar="F",
                            help="Multiply every incident rate by F, for volume tests "
                            "(default: 1, the published national rates).")
        parser.add_argument("--incidents", type=int, default=None, metavar="TARGET",
                            help="Choose the scale so the run has about TARGET incidents in "
                            "total (overrides --scale), e.g. 10000000 for the 10M benchmark.")
        parser.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv",
                            help="csv: one CSV return per trust per month (default); parquet: "
                            "every row in one DIR/returns.parquet (columns organisation_ods, "
                            "period, then the standard's), for large benchmarks. The header "
                            "JSON files are written either way.")
        parser.add_argument("--single-return", type=int, default=None, metavar="ROWS",
                            help="Instead, write ONE return of exactly ROWS rows to "
                            "DIR/single-return.csv (with its header JSON), for the load "
                            "benchmark. Uses --seed and --start (the month).")
        parser.add_argument("--overwrite", action="store_true",
                            help="Replace an earlier run's files in DIR (otherwise refused).")

    def handle(self, *args: object, **options: object) -> None:
        out = Path(str(options["out"]))
        start = options["start"]
        if not isinstance(start, synthetic.Period):  # call_command passes text as it is
            start = _month(str(start))
        trusts, months, seed = (int(str(options[k])) for k in ("trusts", "months", "seed"))
        scale, verbosity = float(str(options["scale"])), int(str(options["verbosity"]))
        incidents = None if options["incidents"] is None else int(str(options["incidents"]))
        single = None if options["single_return"] is None else int(str(options["single_return"]))
        self._check(trusts, months, scale, incidents, single)
        if (start.plus(months - 1) if single is None else start).end >= date.today():
            raise CommandError("The last month has not ended yet: a return can only be made "
                               "for a month that is over. Choose an earlier --start or fewer "
                               "--months.")
        self._clear(out, bool(options["overwrite"]))
        began = time.perf_counter()
        if single is not None:
            self._single(out, single, seed, start)
            return
        summary = synthetic.generate(
            out, trusts=trusts, months=months, start=start, seed=seed, scale=scale,
            target_incidents=incidents, fmt=str(options["fmt"]),
            progress=self._progress if verbosity > 0 else None)
        if verbosity > 0:
            self._summary(out, summary, time.perf_counter() - began)

    @staticmethod
    def _check(trusts: int, months: int, scale: float, incidents: int | None,
               single: int | None) -> None:
        if trusts < 1 or months < 1:
            raise CommandError("--trusts and --months must be 1 or more.")
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        if (incidents is not None and incidents < 1) or (single is not None and single < 1):
            raise CommandError("--incidents and --single-return must be 1 or more.")

    def _clear(self, out: Path, overwrite: bool) -> None:
        present = [out / name for name in (*OUTPUTS, "single-return.csv") if (out / name).exists()]
        if present and not overwrite:
            raise CommandError(f"{out} already holds generated data ({present[0].name}); use "
                               "--overwrite to replace it, or choose another --out.")
        for path in present:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()

    def _single(self, out: Path, rows: int, seed: int, start: synthetic.Period) -> None:
        path = out / "single-return.csv"
        header = synthetic.write_single_return(path, rows, seed=seed, period=start.label)
        self.stdout.write(f"Wrote {rows:,} rows to {path} (organisation "
                          f"{header['organisation_ods']}, {header['period_start']} to "
                          f"{header['period_end']}).")

    def _progress(self, done: int, total: int, summary: synthetic.Summary) -> None:
        line = (f"  {done:>{len(str(total))}}/{total} trusts  {summary.returns:,} returns  "
                f"{summary.incidents:,} incidents  {summary.rows:,} rows")
        if sys.stdout.isatty():
            self.stdout.write("\r" + line, ending="\n" if done == total else "")
            self.stdout.flush()
        elif done == total or done % max(1, total // 10) == 0:
            self.stdout.write(line)

    def _summary(self, out: Path, summary: synthetic.Summary, seconds: float) -> None:
        figures = summary.figures()
        write = self.stdout.write
        write(f"\nWrote {summary.returns:,} returns from {summary.trusts} trusts over "
              f"{summary.months} months to {out}: {summary.incidents:,} incidents, "
              f"{summary.rows:,} rows, {summary.bytes / 1e6:,.1f} MB in {seconds:,.1f} s.")
        write("Trusts by sector: " + ", ".join(
            f"{codes.SECTOR.label(s).lower()} {summary.trusts_by_sector[s]}"
            for s in synthetic.SECTORS if s in summary.trusts_by_sector))
        published = synthetic.PUBLISHED_PHYSICAL_ASSAULTS
        medical = synthetic.PUBLISHED_MEDICAL_FACTORS / published
        scaled = f" x scale {summary.scale:.4g}" if summary.scale != 1 else ""
        write(f"\nCalibration (per year; published: NHS Protect 2015/16, {published:,} physical "
              f"assaults from 220 trusts{scaled}):")
        write(f"  physical assaults     {figures['physical_assaults_per_year']:>10,}   target "
              f"{round(sum(summary.target_physical.values())):,}")
        write(f"  with medical factors  {figures['medical_factors_share']:>10.1%}   published "
              f"{medical:.1%}")
        write(f"  verbal : physical     {figures['verbal_to_physical']:>10.2f}   chosen "
              "(see docs/synthetic-data.md)")
        write(f"  {'by sector':<37}{'physical':>11}  {'share':>6}  {'target':>6}  "
              f"{'per 1,000 staff':>15}  {'reported*':>9}")
        self._sectors(summary, figures)
        write(f"  late reports {figures['late_share']:.1%}, staff per incident "
              f"{figures['staff_per_incident']:.2f}")
        write("  * modelled share of physical attacks that get reported (NHS Staff Survey "
              "prevalence against reports)")

    def _sectors(self, summary: synthetic.Summary, figures: dict) -> None:
        year = 12 / summary.months
        target_total = sum(summary.target_physical.values())
        for sector in (s for s in synthetic.SECTORS if s in summary.counts):
            counts = summary.counts[sector]
            self.stdout.write(
                f"    {sector:<34} {round(int(counts[synthetic.PHYSICAL]) * year):>11,}  "
                f"{figures['physical_share_by_sector'][sector]:6.1%}  "
                f"{summary.target_physical[sector] / target_total:6.1%}  "
                f"{figures['physical_per_1000_staff_per_year'][sector]:15.1f}  "
                f"{figures['reporting_fraction_by_sector'].get(sector, 0.0):9.1%}")
