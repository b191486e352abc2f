"""The self-evaluation workbook: building it (XlsxWriter) and reading it back (自评工作簿).

Both directions go through `xlperf.layout`, the one declaration of every cell.
"""

from xlperf.workbook.build import build_workbook
from xlperf.workbook.read import WorkbookError, read_grid, read_workbook

__all__ = ["build_workbook", "read_workbook", "read_grid", "WorkbookError"]
