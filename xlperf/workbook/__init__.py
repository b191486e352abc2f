"""The self-evaluation workbook: building it (XlsxWriter) and reading it back (自评工作簿).

Both directions go through `xlperf.layout`, the one declaration of every cell:
- `build_workbook(path, ev, ...)` writes the form, the 评分表, the 自评报告, xlwings.conf
  and the hidden _xlperf record, and returns the layout it used;
- `read_workbook(path)` reads a file back; `read_grid(grid)` does the same for
  `{sheet name: rows of values}` as the Excel buttons get them from xlwings;
- marks for findings come from `Layout.marks_for` (`xlperf.layout.cells_for_findings`).
"""

from xlperf.workbook.build import build_workbook
from xlperf.workbook.read import (
    CellProblem,
    WorkbookError,
    layout_of,
    read_grid,
    read_workbook,
    read_workbook_with_layout,
)

__all__ = [
    "build_workbook",
    "read_workbook",
    "read_workbook_with_layout",
    "read_grid",
    "layout_of",
    "WorkbookError",
    "CellProblem",
]
