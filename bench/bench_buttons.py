"""The 校验 button's handler on a national macro workbook, run headless through `FileBook`
(read the sheet, evaluate, mark, write 校验结果, save the copy), against the same handler on
the Guangdong sample workbook in the same process.

Run: python bench/bench_buttons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402

BASELINE = "校验 on the Guangdong sample (示例-韶关市行政服务中心-2020.xlsm) via FileBook"


def measure(folder: Path) -> tuple[str, float, list[tuple[str, float, str]]]:
    from xlperf.excel.handlers import process_file
    from xlperf.workbook.editions import new_workbook

    guangdong = new_workbook(folder / "guangdong.xlsm", source=ROOT / "examples" / "shaoguan-2020.json", force=True)
    national = new_workbook(folder / "national.xlsm", source=ROOT / "examples" / "national-zhongjiang-2022.json",
                            force=True)

    def run(path: Path, action: str):
        return lambda: process_file(path, folder / f"out{path.suffix}", action, force=True)

    run(guangdong, "validate")()
    run(national, "validate")()
    base = best_time(run(guangdong, "validate"), repeat=5)
    rows = [
        ("校验 on the national sample (中江县水利局) via FileBook", best_time(run(national, "validate"), repeat=5), "≤ 1x"),
        ("计算得分 on the national sample via FileBook", best_time(run(national, "score"), repeat=5), "≤ 1x"),
        ("清除标记 on the national sample via FileBook", best_time(run(national, "clear_marks"), repeat=5), ""),
    ]
    return "button handlers on a workbook file (read, evaluate, write, save)", base, rows


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        title, base, rows = measure(Path(tmp))
    print_table(title, BASELINE, base, rows)


if __name__ == "__main__":
    main()
