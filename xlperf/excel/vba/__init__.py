"""Writing the workbook's VBA project (vbaProject.bin) in pure Python.

:mod:`.ovba` compresses and decompresses VBA streams ([MS-OVBA] 2.4.1),
:mod:`.cfb` writes the compound file container ([MS-CFB]) and
:mod:`.project` puts the streams of a VBA project together.
"""

from xlperf.excel.vba.project import Module, build_vba_project, expected_readback, stored_source

__all__ = ["Module", "build_vba_project", "expected_readback", "stored_source"]
