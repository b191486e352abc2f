"""The Excel layer: worksheet functions (udfs), button handlers, and the VBA project.

Workbooks' button macros run `import xlperf.excel as x; x.validate()` (and score, export,
clear_marks), so the handlers are importable from here.
"""

from xlperf.excel.handlers import clear_marks, export, process_file, score, validate

__all__ = ["validate", "score", "export", "clear_marks", "process_file"]
