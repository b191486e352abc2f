"""Guangdong's municipal 附件1-1 基础信息表 (the seed's form): model, layout, funding, report text.

The form kind ``guangdong-1-1`` (see `xlperf.forms`). Its checks and scoring are the
engine's own (`xlperf.engine.checks`, `xlperf.engine.scoring`), the first kind there was.
"""

from xlperf.forms.guangdong_1_1.model import SelfEvaluation as MODEL  # noqa: F401

CATALOGUE: dict = {}
"""Its check codes are the engine's catalogue (`xlperf.engine.checks.CATALOGUE`)."""
