"""Reading a form typed by hand by its labels, not by fixed cells (按标签读取).

Units type the official tables in Word, Excel or WPS; no two copies put a field in the
same cell. A form kind declares its labels (`ScalarField`, `TableBlock`); the functions
here find each label in a `TextGrid` (compared after `grid.norm`, so line breaks,
full-width punctuation and "（万元）" do not matter) and read the value beside it: after
a colon in the same cell, else the next filled cell to the right that is not itself a
label, else the cell below. A table is read by its header row: each header's column
starts a band, and every value of a row falls into the band it stands in.

A label that is not found, found more than once, or whose value cannot be read is never
guessed: the field stays empty and an `Imported.findings` entry (IMP001..) says so. What
was read, and from which cell, is listed in `Imported.read`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlperf.files.grid import TextGrid, norm
from xlperf.files.xlsx_grid import Formula


@dataclass(frozen=True)
class ScalarField:
    """One field found by its label: `path` in the model, `labels` (the official one
    first, then accepted variants), `kind` as in the layout (text, lines, int, amount,
    date, yesno), `title` the field's name in messages."""

    path: str
    labels: tuple[str, ...]
    kind: str
    title: str


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]
    kind: str
    title: str


@dataclass
class ReadItem:
    """One value read: the field, its name, the cell it came from and the text there."""

    field: str
    title: str
    where: str
    text: str


@dataclass
class Imported:
    """The result of reading one file: the form data (a dict for the kind's model), the
    kind, what was read from where, and the findings about what was not."""

    kind: str
    data: dict
    read: list[ReadItem] = field(default_factory=list)
    findings: list = field(default_factory=list)
    source: str = ""

    def locate(self, path: str) -> str | None:
        """The cell a field was read from (or its nearest enclosing field's)."""
        cells = {item.field: item.where for item in self.read}
        probe = path
        while probe:
            if probe in cells:
                return cells[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return None


def finding(code: str, path: str, where: str | None, message: str):
    from xlperf.engine.checks import CATALOGUE, Finding

    return Finding(code=code, severity=CATALOGUE[code].severity, field=path, cell=where, message=message)


class Anchors:
    """Every labelled cell of a grid (or a stretch of its rows), indexed by normalised text."""

    def __init__(self, grid: TextGrid, rows: range, known: Iterable[str]):
        self.grid = grid
        self.rows = rows
        self.known = {norm(k) for k in known}
        self.cells: dict[str, list[tuple[int, int]]] = {}
        self.edge = 0
        """The rightmost column holding a label: the form's right edge (cells beyond it,
        such as a workbook's helper columns, belong to no table)."""
        for r in rows:
            for c, value in enumerate(grid.rows[r]):
                t = norm(value) if isinstance(value, str) else ""
                if t:
                    self.cells.setdefault(t, []).append((r, c))
                    if t in self.known:
                        self.edge = max(self.edge, c)

    def find(self, labels: Sequence[str]) -> list[tuple[int, int]]:
        """Cells whose whole text is one of `labels` (the first label that occurs wins)."""
        for label in labels:
            hits = self.cells.get(norm(label))
            if hits:
                return hits
        return []

    def find_inline(self, labels: Sequence[str]) -> list[tuple[int, int, str]]:
        """Cells that start with a label followed by a colon and some text: (r, c, rest)."""
        out = []
        for label in labels:
            key = norm(label)
            for text, cells in self.cells.items():
                if text.startswith(key) and len(text) > len(key) and text[len(key)] in ":：":
                    for r, c in cells:
                        out.append((r, c, _after_label(self.grid.text(r, c), label)))
            if out:
                return out
        return out

    def is_label(self, value: Any) -> bool:
        return isinstance(value, str) and norm(value) in self.known

    def right_of(self, r: int, c: int) -> tuple[int, int] | None:
        """The next filled cell right of (r, c) on its row, unless that is a label; at most
        one column past the form's right edge (beyond it, a workbook's helper columns)."""
        row = self.grid.rows[r]
        for cc in range(c + 1, min(len(row), self.edge + 2)):
            v = row[cc]
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            return None if self.is_label(v) else (r, cc)
        return None

    def below(self, r: int, c: int) -> tuple[int, int] | None:
        """The cell under a label, where a row of labels only stands over a row of values
        only (in the same sheet or table)."""
        filled = lambda v: v is not None and not (isinstance(v, str) and not v.strip())  # noqa: E731
        if not all(self.is_label(v) for v in self.grid.rows[r] if filled(v)):
            return None
        if r + 1 not in self.rows or self.grid.places[r + 1][0] != self.grid.places[r][0]:
            return None
        if any(self.is_label(v) for v in self.grid.rows[r + 1]) or not filled(self.grid.value(r + 1, c)):
            return None
        return (r + 1, c)

    def label_row(self, r: int) -> bool:
        return any(self.is_label(v) for v in self.grid.rows[r])


def _after_label(text: str, label: str) -> str:
    """What follows "label：" in a cell's text, up to the next known inline label."""
    import re

    import unicodedata

    def either(ch: str) -> str:
        half = unicodedata.normalize("NFKC", ch)
        forms = {ch, half} | ({chr(ord(half) + 0xFEE0)} if len(half) == 1 and "!" <= half <= "~" else set())
        return "[" + "".join(sorted(re.escape(f) for f in forms)) + "]"

    pattern = r"\s*".join(either(ch) for ch in label.rstrip("：:")) + r"\s*[:：]\s*"
    m = re.search(pattern, text)
    rest = text[m.end():] if m else ""
    return re.sub(r"\s*金额单位\s*[:：].*$", "", rest, flags=re.S).strip()


class Reader:
    """Reads fields and tables out of one stretch of a grid into a nested dict."""

    def __init__(self, anchors: Anchors, parse: Callable[[str, Any], Any]):
        self.a = anchors
        self.grid = anchors.grid
        self.parse = parse
        self.read: list[ReadItem] = []
        self.findings: list = []

    # -- findings ---------------------------------------------------------------------
    def missing(self, path: str, title: str) -> None:
        self.findings.append(finding("IMP001", path, f"（未找到“{title}”）", f"文件中未找到“{title}”一栏，该项没有读取；请核对原表是否缺了这一栏或标签写法不同"))

    def ambiguous(self, path: str, title: str, places: Sequence[str]) -> None:
        shown = "、".join(places[:4])
        self.findings.append(finding("IMP002", path, places[0] if places else None,
                                     f"“{title}”一栏在文件中出现多次（{shown}），无法确定读哪一处，该项没有读取；请删去多余的一处"))

    def unreadable(self, path: str, title: str, where: str, why: str) -> None:
        self.findings.append(finding("IMP003", path, where, f"{where}的“{title}”{why}，该项没有读取；请改正后重新导入"))

    # -- values -----------------------------------------------------------------------
    def value(self, path: str, title: str, kind: str, r: int, c: int, raw: Any = None) -> Any:
        """Parse a cell's value for a field; report and return None when it cannot be read."""
        value = self.grid.value(r, c) if raw is None else raw
        where = self.grid.where(r, c)
        text = value if isinstance(value, str) else None
        if text is not None:
            value = _clean(text, kind)
        try:
            parsed = self.parse(kind, value)
        except ValueError as e:
            self.unreadable(path, title, where, str(e))
            return None
        self.read.append(ReadItem(path, title, where, _text_of(value)))
        return parsed

    def scalar(self, f: ScalarField) -> Any:
        """The value of a field found by its label; None (and a finding) when not found."""
        hits = self.a.find(f.labels)
        if len(hits) > 1:
            self.ambiguous(f.path, f.title, [self.grid.where(r, c) for r, c in hits])
            return None
        if hits:
            r, c = hits[0]
            at = self.a.right_of(r, c) or self.a.below(r, c)
            if at is None:
                self.read.append(ReadItem(f.path, f.title, self.grid.where(r, c), ""))
                return self.parse(f.kind, "")
            return self.value(f.path, f.title, f.kind, *at)
        inline = self.a.find_inline(f.labels)
        if len(inline) > 1:
            self.ambiguous(f.path, f.title, [self.grid.where(r, c) for r, c, _ in inline])
            return None
        if inline:
            r, c, rest = inline[0]
            return self.value(f.path, f.title, f.kind, r, c, raw=rest)
        self.missing(f.path, f.title)
        return None

    def table(self, path: str, title: str, columns: Sequence[Column], stop: Callable[[int], bool] | None = None,
              header: tuple[int, dict[str, int]] | None = None) -> list[dict] | None:
        """Rows of a table found by its header labels (all on one row, or the year column
        up to two rows above). None (and a finding) when the header is not found."""
        if header is None:
            header = self.header(path, title, columns)
            if header is None:
                return None
        hr, cols = header
        return [values for _, values in self.rows_under(path, columns, hr, cols, stop, title)]

    def header(self, path: str, title: str, columns: Sequence[Column]) -> tuple[int, dict[str, int]] | None:
        anchor = next(col for col in columns if col.key != "year")
        candidates = []
        for r, c in self.a.find(anchor.labels):
            cols = {}
            for col in columns:
                hits = [(rr, cc) for rr, cc in self.a.find(col.labels) if r - 2 <= rr <= r]
                if hits:
                    cols[col.key] = min(hits, key=lambda h: (abs(h[0] - r), abs(h[1] - c)))[1]
            if len(cols) == len(columns):
                candidates.append((r, cols))
        if not candidates:
            self.missing(path, title)
            return None
        if len(candidates) > 1:
            self.ambiguous(path, title, [self.grid.where(r, cols[anchor.key]) for r, cols in candidates])
            return None
        return candidates[0]

    def rows_under(self, path: str, columns: Sequence[Column], hr: int, cols: dict[str, int],
                   stop: Callable[[int], bool] | None, title: str = "") -> Iterable[tuple[int, dict]]:
        """(row index, values) of each filled row below a header, until a label row."""
        bands = sorted((c, key) for key, c in cols.items())
        first = bands[0][0]
        by_key = {col.key: col for col in columns}
        header_texts = {norm(label) for col in columns for label in col.labels}
        anchor = next(col for col in columns if col.key != "year")
        own = {norm(label) for label in anchor.labels}
        i = 0
        r = hr + 1
        while r in self.a.rows:
            row = self.grid.rows[r]
            texts = {norm(v) for v in row if isinstance(v, str) and v.strip()}
            if (texts & own and texts <= header_texts | self.a.known) or (texts and texts <= header_texts):
                r += 1  # a header repeated after a page break (or the second row of a two-row header)
                continue
            if (stop is not None and stop(r)) or any(
                self.a.is_label(v) for c, v in enumerate(row) if c >= first
            ):
                break
            cells: dict[str, tuple[int, Any]] = {}
            clash = False
            for c in range(first, min(len(row), self.a.edge + 1)):
                v = row[c]
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                key = max((b for b in bands if b[0] <= c), default=None)
                if key is None:
                    continue
                if key[1] in cells:
                    clash = True
                cells.setdefault(key[1], (c, v))
            if cells and not all(isinstance(v, Formula) for _, v in cells.values()):
                values = {}
                for key, (c, v) in cells.items():
                    col = by_key[key]
                    values[key] = self.value(f"{path}[{i}].{key}", f"{title}第{i + 1}行的{col.title}", col.kind, r, c)
                if clash:
                    self.ambiguous(f"{path}[{i}]", "该行", [self.grid.where(r, c) for c, _ in cells.values()])
                yield r, values
                i += 1
            r += 1


def _clean(text: str, kind: str) -> str:
    """A typed value made ready for its parser (`xlperf.files.values` reads separators,
    full-width digits and 万元): a bare 万, 年度 after a year, a date template's bare 年 月 日
    (read as empty), a full stop after 是/否."""
    import re
    import unicodedata

    if kind in ("text", "longtext", "lines"):
        return text.strip() if kind != "lines" else text
    t = unicodedata.normalize("NFKC", text).strip()
    if kind == "amount":
        t = t.replace(" ", "").removesuffix("万元").removesuffix("万")
    if kind == "date":
        if re.fullmatch(r"[\s年月日]*", t):
            return ""
        t = re.sub(r"\s+", "", t)
    if kind == "int":
        t = t.replace(" ", "").removesuffix("年度")
    if kind == "yesno":
        t = t.rstrip("。.")
    return t


def _text_of(value: Any) -> str:
    from xlperf.files.grid import shown

    return shown(value)
