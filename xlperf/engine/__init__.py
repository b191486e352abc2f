"""The engine in one call: checks and scoring of a self-evaluation, pure Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evaluation:
    findings: list
    scorecard: object

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def evaluate(ev, rules=None, locate=None, folder=None) -> Evaluation:
    """Score `ev` under `rules` (a RuleSet, a name, a path or None) and run every check.

    `rules` is what a person chose (a command-line option) and may name any file. When it
    is None the form's own setting is used, resolved by `scoring.form_rules`: a shipped
    rule set, or a rule file inside `folder` (the form's folder) only.
    `locate(field_path)` gives a finding its cell; by default the workbook layout for `ev`.
    """
    from xlperf.engine.checks import run_checks
    from xlperf.engine.scoring import form_rules, load_rules, score

    if rules is None:
        rules = form_rules(ev.scoring.rules, folder)
    elif isinstance(rules, str):
        rules = load_rules(rules)
    scorecard = score(ev, rules)
    if locate is None:
        locate = default_locator(ev)
    return Evaluation(findings=run_checks(ev, scorecard, locate), scorecard=scorecard)


def default_locator(ev):
    """The cell of a field path in the workbook that `xlperf new` would build for `ev`."""
    from xlperf.forms.guangdong_1_1.layout import Layout

    return Layout.for_model(ev).cell_of
