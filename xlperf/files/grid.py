"""A form as a grid of cells, whatever file it came from (表格网格).

Every source an import reads (a sheet of an .xlsx/.xls, the tables and paragraphs of a
.docx) becomes one `TextGrid`: rows of cell values, a merged area's value in its first
cell and None in the rest, and for each cell a place a person can find in the original
("附件1-1!C5", "第2个表格第3行第4格", "第12段"). Readers of form kinds look for labels in
it; they never know which file format it came from.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

_SPACE = re.compile(r"\s+")
_UNIT = re.compile(r"\((?:单位:)?万元\)$")


def norm(text: object) -> str:
    """A label as it is compared: full-width forms folded (NFKC), every space and line
    break removed, a trailing colon, an appended "（万元）" and a leading required-field
    mark (*, ※, ★) dropped."""
    if text is None:
        return ""
    return _norm(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE.sub("", s).rstrip(":")
    s = _UNIT.sub("", s).rstrip(":").lstrip("*※★")
    return s


def shown(value: object) -> str:
    """A cell value as text, as a person sees it in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, Decimal, int)):
        return str(value)
    return str(value)


@dataclass
class TextGrid:
    """Rows of cell values from one source, and where each row came from.

    `places[r]` is (part, first row number or None, column style): a sheet name with the
    row number for A1 references, or a table's/paragraph's description.
    """

    source: str
    rows: list[list[object]] = field(default_factory=list)
    places: list[tuple[str, int | None, str]] = field(default_factory=list)

    def add_row(self, values: list[object], part: str, number: int | None, style: str = "a1") -> None:
        self.rows.append(list(values))
        self.places.append((part, number, style))

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, r: int, c: int) -> object:
        row = self.rows[r]
        return row[c] if 0 <= c < len(row) else None

    def text(self, r: int, c: int) -> str:
        return shown(self.value(r, c)).strip()

    def where(self, r: int, c: int) -> str:
        """The cell in words a person finds in the original file."""
        part, number, style = self.places[r]
        if style == "a1":
            return f"{part}!{col_letter(c)}{number}"
        if style == "table":
            return f"{part}第{number}行第{c + 1}格"
        return part

    def extend(self, other: "TextGrid") -> None:
        self.rows.extend(other.rows)
        self.places.extend(other.places)


def col_letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
