"""The history benchmark on two versions of the code in one run, interleaved size by size
(before at 1k, after at 1k, before at 10k, ...), so both see the same load on a shared
machine. Each measurement runs ``bench/history.py --one SIZE`` in a new process with the
version's checkout first on PYTHONPATH.

    python bench/history_ab.py --code before=/tmp/old-checkout --code after=. \\
        --out tmp/bench/ab.json --report docs/bench-report.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.history import GOALS, checks, child_result, table  # noqa: E402


def _run(code: Path, args: list[str]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(code), QT_QPA_PLATFORM="offscreen")
    return child_result(
        [str(HERE / "history.py"), *args], env, f"{code} {args} failed", "ROW ", timeout=7200
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", action="append", required=True, metavar="LABEL=PATH")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--report", type=Path, help="a JSON file whose 'history' is replaced")
    args = parser.parse_args()
    codes = [(label, Path(path).resolve()) for label, path in (c.split("=", 1) for c in args.code)]
    reports: dict[str, dict[str, Any]] = {label: {"label": label, "rows": []} for label, _ in codes}
    for label, code in codes:
        reports[label]["open_hit"] = _run(code, ["--open-hit"])
        print(label, json.dumps(reports[label]["open_hit"]), flush=True)
    for size in [0] + [int(s) for s in args.sizes.split(",")]:
        for label, code in codes:
            row = _run(code, ["--one", str(size), "--repeats", str(args.repeats)])
            reports[label]["rows"].append(row)
            print(label, json.dumps(row), flush=True)
    for label, _code in codes:
        report = reports[label]
        report.update(checks=checks(report["rows"]), goals=GOALS, code=str(dict(codes)[label]))
        print(table(label, report["rows"], report["open_hit"]), "\n", report["checks"], "\n")
    result = {"interleaved": True, "reports": list(reports.values())}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
    if args.report:
        whole = json.loads(args.report.read_text()) if args.report.exists() else {}
        whole["history"] = result
        args.report.write_text(json.dumps(whole, indent=2) + "\n")


if __name__ == "__main__":
    main()
