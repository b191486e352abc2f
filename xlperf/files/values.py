"""Values as people type them (填写的值): one tolerant reading for every source.

A JSON data file, a workbook cell and an imported form hand over the same things typed
by the same people: "122.17万元", "1,234.50", full-width digits (１２２．１７), dates written
2020年1月1日 or as Excel serial numbers, 是/否. Each reader calls these functions, so a
value reads the same wherever it was typed. A value that cannot be read raises
`ValueError` whose text is the Chinese reason ("应为数字，实际为“一百万”"), for the
reader to put after the field's or the cell's name.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_EXCEL_SERIAL = 2958466
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
YES = frozenset({"是", "Y", "y", "yes", "Yes", "true", "True", "TRUE"})
NO = frozenset({"否", "N", "n", "no", "No", "false", "False", "FALSE"})


def shown(value: Any) -> str:
    """A value quoted for a message: “122.17万元”."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return f"“{value}”"


def half_width(text: str) -> str:
    """Full-width letters, digits and signs as their half-width forms (０７５１－８８７７８３３ →
    0751-8877833); Chinese characters are left alone."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" else ch
                   for ch in text)


def number(value: Any) -> Decimal | None:
    """An amount or a score as a Decimal; None for an empty value.

    Accepts numbers, and text with thousands separators, full-width digits and a trailing
    万元 (the unit of every amount on the form)."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        raise ValueError(f"应为数字，实际为{shown(value)}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"应为数字，实际为{shown(value)}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"应为有限的数字，实际为{shown(value)}")
        return value
    text = half_width(str(value)).strip().replace(",", "").replace("，", "").removesuffix("万元").strip()
    if text == "":
        return None
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"应为数字，实际为{shown(value)}") from None
    if not result.is_finite():
        raise ValueError(f"应为数字，实际为{shown(value)}")
    return result


def date(value: Any) -> dt.date | None:
    """A date from a date, an Excel serial number, or text such as 2020-01-01, 2020/1/1,
    2020年1月1日 (full-width digits too); None for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < _LAST_EXCEL_SERIAL:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    m = _DATE.match(half_width(value).strip()) if isinstance(value, str) else None
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(f"应为日期（如 2020-01-01 或 2020年1月1日），实际为{shown(value)}")


def yes_no(value: Any) -> bool | None:
    """是/否 (and Y/N, yes/no, true/false) as a bool; None for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = half_width(value).strip()
        if text in YES:
            return True
        if text in NO:
            return False
    raise ValueError(f"应填“是”或“否”，实际为{shown(value)}")
