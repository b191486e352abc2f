"""Last year's form carried into this year (结转下一年度), for every form kind.

Each unit starts from last year's form: who it is, what the project is, its goals and
indicators stay; the evaluation year and the dates move on one year; every figure and
text of last year's results is cleared. A kind says what that means for its own fields in
its package's ``carry`` module (``next_year(form) -> (form, Plan)``); this module holds
what they share: the `Plan` a person reads before anything is written, the move of a
date by one year, and the dispatch on the form's kind.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field


@dataclass
class Plan:
    """What a carry-over keeps, moves and clears, in words a person reads before writing;
    `year` is the new form's evaluation year."""

    kept: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    year: int | None = None

    def lines(self) -> list[str]:
        out = []
        for title, items in (("保留", self.kept), ("顺延一年", self.moved), ("清空", self.cleared)):
            out.append(f"{title}（{len(items)} 项）：")
            out.extend(f"  {item}" for item in items)
        return out


def year_on(d: dt.date | None) -> dt.date | None:
    """The same day one year later (29 February → 28 February)."""
    if d is None:
        return None
    try:
        return d.replace(year=d.year + 1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28)


def moved(title: str, old, new) -> str:
    return f"{title}：{old or '（空）'} → {new or '（空）'}"


def next_year(form):
    """This year's form started from last year's `form` (of any kind), and the plan."""
    from xlperf import forms

    return importlib.import_module(forms.kind_of(form).package + ".carry").next_year(form)
