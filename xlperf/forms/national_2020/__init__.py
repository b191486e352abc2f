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


def default_locator(form):
    """No workbook layout yet for this kind: findings name their row and column in words."""
    return lambda path: None
