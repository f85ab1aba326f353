"""Amounts of money as people type them: ``1.234,56 €``, ``1234.56``, ``€ 1 234,5``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from localsafety.core.errors import DomainError

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_PT_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_EN_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+\.\d{1,2}$")
MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(text: str | Decimal | int | float | None, *, field: str = "amount") -> Decimal:
    """The amount in euros with two decimals; refuses negatives, words and ambiguity.

    Portuguese writing is assumed: ``.`` groups thousands and ``,`` marks the decimals
    (``1.234,56``). A lone ``.`` is a decimal point unless it groups thousands (``1.234``
    is one thousand two hundred and thirty-four, as a Portuguese reader means it).
    """
    if text is None:
        raise DomainError(_("Give an amount."), field=field)
    if isinstance(text, (Decimal, int, float)):
        value = Decimal(str(text))
    else:
        cleaned = _SPACES.sub("", text).replace("€", "").replace("EUR", "").replace("eur", "")
        if not cleaned:
            raise DomainError(_("Give an amount."), field=field)
        if "," in cleaned and "." in cleaned:
            if _EN_THOUSANDS.match(cleaned):
                cleaned = cleaned.replace(",", "")
            elif cleaned.rfind(",") > cleaned.rfind("."):
                cleaned = cleaned.replace(".", "").replace(",", ".")
            else:
                raise DomainError(
                    _("“%(text)s” is not an amount in euros (write it as 1.234,56).")
                    % {"text": text},
                    field=field,
                )
        elif "," in cleaned:
            if cleaned.count(",") > 1:
                raise DomainError(
                    _("“%(text)s” is not an amount in euros (write it as 1.234,56).")
                    % {"text": text},
                    field=field,
                )
            cleaned = cleaned.replace(",", ".")
        elif _PT_THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(".", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise DomainError(
                _("“%(text)s” is not an amount in euros (write it as 1.234,56).") % {"text": text},
                field=field,
            ) from None
    if not value.is_finite():
        raise DomainError(_("Give an amount."), field=field)
    if value < 0:
        raise DomainError(_("An amount cannot be negative."), field=field)
    if value > MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(_("An amount has at most two decimals (cents)."), field=field)
    return value.quantize(Decimal("0.01"))
