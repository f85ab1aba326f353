"""Signals the territory sends; the apps above decide what they mean.

``zones_changed(sender=Area, contract_id=...)`` is sent after a contract's zones were created,
changed or deleted (an upload, the command line), so that the contract (``contracts``, which
``territory`` may not import) can move its pages' cache generation forward.
"""

from __future__ import annotations

from django.dispatch import Signal

zones_changed = Signal()
