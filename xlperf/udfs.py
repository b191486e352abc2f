"""The worksheet functions under the name workbooks know them by.

Every workbook's xlwings.conf sheet and VBA wrappers name `xlperf.udfs`; the functions live
in `xlperf.excel.udfs`. This module is that same module under its old name.
"""

import sys

from xlperf.excel import udfs as _udfs

sys.modules[__name__] = _udfs
