"""Signals the territory sends; the apps above decide what they mean.

``zones_changed(sender=Area, contract_id=..., zone_ids=[...])`` is sent, inside the writing
transaction, after a contract's zones were created or changed by an upload or the command line
(``zone_ids``: the zones the file created or updated), so that the contract (``contracts``,
which ``territory`` may not import) adds them to the territory it covers, as it does for drawn
zones, and moves its pages' cache generation forward.
"""

from __future__ import annotations

from django.dispatch import Signal

zones_changed = Signal()
