"""The national form kind against the Guangdong one, in process: evaluating, reading JSON
through the tagged union, and building / reading its workbook (plain and formula edition).

Run: .venv/bin/python bench/bench_national.py (or bench/run.py for every table)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402
from xlperf import forms  # noqa: E402
from xlperf.engine import evaluate  # noqa: E402
from xlperf.engine.scoring import load_rules  # noqa: E402
from xlperf.files import sources  # noqa: E402
from xlperf.forms.guangdong_1_1.model import SelfEvaluation  # noqa: E402
from xlperf.forms.national_2020 import workbook  # noqa: E402

SEED = ROOT / "examples" / "shaoguan-2020.json"
NATIONAL = ROOT / "examples" / "national-clean-2022.json"
BASELINE = "check + score of the Guangdong example (evaluate, rules loaded)"


def measure(folder: Path):
    ev, form = sources.load(SEED), sources.load(NATIONAL)
    rules = load_rules("national-2020")
    evaluate(ev, rules), evaluate(form, rules)
    seed_bytes = SEED.read_bytes()
    base = best_time(lambda: evaluate(ev, rules), repeat=9, number=50)
    book = workbook.build(folder / "n.xlsx", form, force=True)
    edition = workbook.build(folder / "f.xlsx", form, force=True, formulas=True)
    plain = best_time(lambda: workbook.build(folder / "n.xlsx", form, force=True), repeat=5)
    formulas = best_time(lambda: workbook.build(folder / "f.xlsx", form, force=True, formulas=True), repeat=5)
    rows = [
        ("check + score of the national example", best_time(lambda: evaluate(form, rules), repeat=9, number=50), "≤ 1×"),
        ("Guangdong JSON: model_validate_json", best_time(lambda: SelfEvaluation.model_validate_json(seed_bytes), repeat=9, number=200), ""),
        ("Guangdong JSON: the kinds' tagged union", best_time(lambda: forms.parse_json(seed_bytes), repeat=9, number=200), "≈ the line above"),
        ("build the national workbook (.xlsx, plain)", plain, ""),
        ("build the national formula edition (.xlsx)", formulas, f"{formulas / plain:.1f}× the plain build"),
        ("read the national workbook back", best_time(lambda: sources.load(book), repeat=5, number=5), ""),
        ("read the formula edition back", best_time(lambda: sources.load(edition), repeat=5, number=5), "the sheet also holds helpers and flags"),
    ]
    return "the national form kind", base, rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        title, base, rows = measure(Path(tmp))
    print_table(title, BASELINE, base, rows)


if __name__ == "__main__":
    main()
