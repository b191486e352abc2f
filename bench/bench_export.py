"""Attachment 3 export of one form (score, check, generate the text, write the .docx),
against python-docx saving an empty document.

Run: python bench/bench_export.py
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402

EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"


def available() -> bool:
    try:
        from xlperf.outputs.report import export_report  # noqa: F401
    except ImportError:
        return False
    return True


def measure(folder: Path) -> tuple[str, float, list[tuple[str, float, str]]]:
    import docx

    from xlperf.files import sources
    from xlperf.outputs.report import export_report
    from xlperf.engine.scoring import load_rules

    ev = sources.load(EXAMPLE)
    rules = load_rules(None)
    out = folder / "report.docx"

    def empty_docx():
        docx.Document().save(io.BytesIO())

    def export():
        export_report(ev, out, rules=rules, force=True)

    export()
    empty_docx()
    base = best_time(empty_docx, repeat=7, number=5)
    rows = [("export the report (.docx) of one form", best_time(export, repeat=7, number=5), "< 150 ms")]
    return "Attachment 3 export (examples/shaoguan-2020.json, no PDF)", base, rows


def main() -> None:
    if not available():
        print("xlperf.report is not there yet: nothing to measure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        title, base, rows = measure(Path(tmp))
    print_table(title, "python-docx: save an empty Document", base, rows)


if __name__ == "__main__":
    main()
