"""Reference data the checks read: thresholds and word lists, each entry with its reason.

The numbers and words a reviewer's judgement rests on are data, not code
(`xlperf/engine/data/*.json`), so that a finance bureau can see why each is what it is and
change it without a release. Each file is parsed once, through a pydantic model that
refuses unknown fields (a misspelt key is an error, not a silently ignored setting).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Data):
    """A number and why it is that number."""

    value: Decimal = Field(gt=0)
    reason: str = Field(min_length=1)


class AmountLimits(_Data):
    """What is plausible for one form's amounts, in the unit the form declares."""

    unit: str
    ceiling: Threshold
    whole_multiple: Threshold


class AmountData(_Data):
    about: str = ""
    forms: dict[str, AmountLimits]


def _read(name: str) -> bytes:
    return (resources.files("xlperf.engine") / "data" / name).read_bytes()


@lru_cache(maxsize=None)
def amount_limits(form: str) -> AmountLimits:
    """The amount thresholds of a form kind (data/amounts.json)."""
    return AmountData.model_validate_json(_read("amounts.json")).forms[form]


class EmailProvider(_Data):
    domain: str = Field(min_length=3, pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    reason: str = Field(min_length=1)


class EmailTypo(_Data):
    """A slip more than one letter away from its provider (qq.cn for qq.com)."""

    typo: str = Field(min_length=3, pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    domain: str = Field(min_length=3)
    reason: str = Field(min_length=1)


class EmailData(_Data):
    about: str = ""
    providers: list[EmailProvider] = Field(min_length=1)
    typos: list[EmailTypo] = Field(default_factory=list)


@lru_cache(maxsize=None)
def _email_data() -> EmailData:
    return EmailData.model_validate_json(_read("email_domains.json"))


def email_providers() -> tuple[str, ...]:
    """The domains of common e-mail providers (data/email_domains.json), in the file's order."""
    return tuple(p.domain for p in _email_data().providers)


def email_typos() -> dict[str, str]:
    """Known slips further than one letter from their provider: typo → intended domain."""
    return {t.typo: t.domain for t in _email_data().typos}


class Word(_Data):
    word: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class BoundedRates(_Data):
    """Indicators whose rate cannot exceed 100 %: words matched in the name and the formula."""

    about: str = ""
    rates: tuple[Word, ...] = Field(min_length=1)
    exceptions: tuple[Word, ...] = ()

    def match(self, *texts: str) -> Word | None:
        """The rate word the texts contain, unless they also contain an exception word."""
        joined = " ".join(texts)
        if any(e.word in joined for e in self.exceptions):
            return None
        return next((r for r in self.rates if r.word in joined), None)


@lru_cache(maxsize=None)
def bounded_rates() -> BoundedRates:
    """The rates that cannot exceed 100 % (data/bounded_rates.json)."""
    return BoundedRates.model_validate_json(_read("bounded_rates.json"))
