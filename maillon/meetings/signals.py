"""What the meetings app tells other apps (issue 17: the events of a space tell their registrants).

``meeting_changed`` is sent by ``services.reschedule_meeting``, ``services.edit_meeting`` (a new
title, when the others are informed) and ``services.cancel_meeting`` inside their transaction,
once per change: a save that changes nothing sends nothing, nor does cancelling a meeting already
cancelled. Arguments: ``meeting`` (as it is now) and ``changes``, a dict of what changed among
``start``, ``end``, ``place``, ``title`` (each ``(before, after)``), ``room`` (``(name before,
name after)``, "" for none) and ``cancelled`` (True). A receiver that sends
something does it after the commit (``transaction.on_commit``).
"""

from django.dispatch import Signal

meeting_changed = Signal()
