"""The national 项目支出绩效自评表 (财预〔2020〕10号 附件): the form kind ``national-2020``.

Model (`model`), checks NAT001– (`checks`), scoring from each row's 分值 (`scoring`) and
report text (`report_text`). Its default rule set is ``national-2020``.
"""

from xlperf.forms.national_2020.model import NationalForm as MODEL  # noqa: F401
