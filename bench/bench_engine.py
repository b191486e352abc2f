"""check + score of the bundled example, in process, against loading its JSON alone.

Run: .venv/bin/python bench/bench_engine.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402
from xlperf import sources  # noqa: E402
from xlperf.engine import evaluate  # noqa: E402
from xlperf.scoring import load_rules  # noqa: E402

EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"


def main() -> None:
    ev = sources.load(EXAMPLE)
    rules = load_rules("national-2020")
    evaluate(ev, rules)  # warm imports and caches
    load = best_time(lambda: sources.load(EXAMPLE), repeat=9, number=50)
    engine = best_time(lambda: evaluate(ev, rules), repeat=9, number=50)
    whole = best_time(lambda: evaluate(sources.load(EXAMPLE), "national-2020"), repeat=9, number=50)
    print_table(
        "engine on examples/shaoguan-2020.json",
        "load the JSON file (read + validate)",
        load,
        [
            ("check + score (evaluate, rules loaded)", engine, ""),
            ("load + load rules + check + score", whole, ""),
        ],
    )


if __name__ == "__main__":
    main()
