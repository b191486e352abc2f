"""check + score of the bundled example, in process, against loading its JSON alone.

Run: .venv/bin/python bench/bench_engine.py (or bench/run.py for every table)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402
from xlperf.files import sources  # noqa: E402
from xlperf.engine import evaluate  # noqa: E402
from xlperf.engine.scoring import load_rules  # noqa: E402
from xlperf.engine.targets import judge  # noqa: E402

EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
BASELINE = "load the JSON file (read + validate)"


def measure():
    ev = sources.load(EXAMPLE)
    rules = load_rules("national-2020")
    evaluate(ev, rules)  # warm imports and caches

    def cold():
        judge.cache_clear()
        evaluate(ev, rules)

    load = best_time(lambda: sources.load(EXAMPLE), repeat=9, number=50)
    rows = [
        ("check + score (evaluate, rules loaded)", best_time(lambda: evaluate(ev, rules), repeat=9, number=50), ""),
        ("check + score, target judgements not cached", best_time(cold, repeat=9, number=50), ""),
        ("load + load rules + check + score",
         best_time(lambda: evaluate(sources.load(EXAMPLE), "national-2020"), repeat=9, number=50), ""),
    ]
    return "engine on examples/shaoguan-2020.json", load, rows


def main() -> None:
    title, base, rows = measure()
    print_table(title, BASELINE, base, rows)


if __name__ == "__main__":
    main()
