"""File sizes for people, in the unit the limits are enforced in.

One megabyte here is 1,000,000 bytes, everywhere: the limits in settings are bytes
(``LOCALSAFETY_MAX_*_BYTES``, whole MB by default), the pages state them through
``format_file_size`` and list stored files through the ``file_size`` filter. Django's
``filesizeformat`` counts 1,024-byte "KB", which once made a 20 MiB limit read "20 MB".

A limit is rounded down and a refused file's size up, so a stated limit is never above the
enforced one and a refused file never reads as fitting.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

BYTES_PER_KB = 1_000
BYTES_PER_MB = 1_000_000


def format_file_size(size: int, *, round_up: bool = False) -> str:
    """``20 MB``, ``5,24 MB`` (pt-PT) or ``850 kB``: at most two decimals, locale-formatted.

    ``round_up`` for a file being refused (its size never reads as the limit); limits and
    listed files round down.
    """
    size = max(int(size), 0)
    if size >= BYTES_PER_MB:
        unit, per = "MB", BYTES_PER_MB
    elif size >= BYTES_PER_KB:
        unit, per = "kB", BYTES_PER_KB
    else:
        return _("%(count)s bytes") % {"count": number_format(size)}
    hundredths = size * 100 / per
    rounded = math.ceil(hundredths) if round_up else math.floor(hundredths)
    value = (Decimal(rounded) / 100).normalize()
    # normalize() turns 20 into 2E+1; quantize back to a plain number.
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value
    return f"{number_format(value)} {unit}"
