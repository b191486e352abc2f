"""The national 项目支出绩效自评表 (财预〔2020〕10号 附件): the form kind ``national-2020``.

Model (`model`), scoring from each row's 分值 (`scoring`), checks NAT001– (`checks`) and
report text (`report_text`). Its default rule set is ``national-2020``; the form's own
``rules`` field, or ``--rules``, may name another (``national-2020-provincial``, a file).
"""

from __future__ import annotations

from xlperf.forms.national_2020.checks import CATALOGUE  # noqa: F401
from xlperf.forms.national_2020.model import NationalForm as MODEL  # noqa: F401
from xlperf.forms.national_2020.report_text import report_sections  # noqa: F401


def evaluate(form, rules=None, locate=None):
    """Score a national form under `rules` (a RuleSet, a name, a path or None) and run its checks."""
    from xlperf.engine import Evaluation
    from xlperf.engine.scoring import load_rules
    from xlperf.forms.national_2020 import checks, scoring

    if rules is None or isinstance(rules, str):
        rules = load_rules(rules if rules is not None else form.rules)
    card = scoring.score(form, rules)
    return Evaluation(findings=checks.run_checks(form, card, rules, locate), scorecard=card)


def review_facts(form) -> dict:
    """What the review summary shows of a form: unit, project, amount (全年预算数), execution rate."""
    from xlperf.forms.national_2020 import scoring

    ex = scoring.execution(form)
    return dict(unit=form.implementer or form.department, project=form.project_name, amount=ex.budget, exec_rate=ex.rate)


def default_locator(form):
    """The cell of a field path in the workbook `xlperf new --from` would build for `form`."""
    from xlperf.forms.national_2020.layout import NationalLayout

    return NationalLayout.for_form(form).cell_of


def read_workbook(book, meta: dict, path):
    """The form in an open national workbook and the layout it was built with."""
    from xlperf.forms.national_2020 import workbook

    return workbook.read(book, meta, path)
