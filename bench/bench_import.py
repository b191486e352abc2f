"""Import of one official form typed by hand, against the readers it is built on.

Two files made from the bundled example as units type them (tests/official_forms.py): the
Word template's .docx and a hand-laid .xlsx (one sheet 附件1-1, one sheet 附件3). Rows:
- python-docx opening the .docx (`docx.Document`) and walking its tables' cells: the
  baseline of the .docx rows;
- our import of the .docx (safe container checks, bounded geometry, grid, labels, model);
- python-calamine reading every sheet of the .xlsx: the baseline of the .xlsx rows;
- our import of the .xlsx (the safe reader, grid, labels, model).
Also the grid alone for each, to show what the label reading costs on top. Label texts
are normalised through a cache, warm after the first form (as in a batch). The same four
rows again for the national 项目支出绩效自评表 (the clean national example, written by
tests/national_forms.py as the Word template and as a hand-laid sheet).

Run: python bench/bench_import.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402


def measure(folder: Path) -> list[tuple[str, str, float, list[tuple[str, float, str]]]]:
    from tests import national_forms, official_forms
    from xlperf.files import sources

    out = []
    ev = sources.load(ROOT / "examples" / "shaoguan-2020.json")
    out += _pair(folder / "form", ev, official_forms.write_docx, official_forms.write_xlsx, "")
    form = sources.load(ROOT / "examples" / "national-clean-2022.json")
    out += _pair(folder / "national", form, national_forms.write_docx, national_forms.write_xlsx, "（项目支出绩效自评表）")
    return out


def _pair(stem: Path, form, write_docx, write_xlsx, what: str):
    import docx
    import python_calamine

    from xlperf.files.imports import grid_of, import_file

    docx_path, xlsx_path = stem.with_suffix(".docx"), stem.with_suffix(".xlsx")
    write_docx(form, docx_path)
    write_xlsx(form, xlsx_path)

    def python_docx():
        doc = docx.Document(str(docx_path))
        for table in doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    cell.text

    def calamine():
        wb = python_calamine.CalamineWorkbook.from_path(str(xlsx_path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()

    out = []
    base = best_time(python_docx, repeat=7, number=3)
    rows = [
        ("python-docx: open only (docx.Document)", best_time(lambda: docx.Document(str(docx_path)), 7, 3), ""),
        ("import of the .docx (xlperf import, to the model)", best_time(lambda: import_file(docx_path), 7, 3), "≤ 1 (no slower than opening it)"),
        ("  of which the grid (safe read of the document part)", best_time(lambda: grid_of(docx_path), 7, 3), ""),
    ]
    out.append((f"Import of a typed .docx form{what}", "python-docx: open the file and read every table cell", base, rows))
    base = best_time(calamine, repeat=7, number=5)
    rows = [
        ("import of the .xlsx (xlperf import, to the model)", best_time(lambda: import_file(xlsx_path), 7, 3), ""),
        ("  of which the grid (xlsx_grid safe reader)", best_time(lambda: grid_of(xlsx_path), 7, 3), ""),
    ]
    out.append((f"Import of a typed .xlsx form{what}", "python-calamine: read every sheet of the same file", base, rows))
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for title, name, base, rows in measure(Path(tmp)):
            print_table(title, name, base, rows)


if __name__ == "__main__":
    main()
