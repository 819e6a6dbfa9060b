"""Unpaid work (community payback): projects, sessions, bookings, attendance, stand-downs.

Reads: :mod:`.schedule` (the weekly grid), :mod:`.summary` (a person's hours
and deadlines), :mod:`.standdowns` (the stand-downs view). Writes:
:mod:`.projects`, :mod:`.booking`, :mod:`.attendance`, :mod:`.standdowns`,
:mod:`.requirements`; each checks its permission in :mod:`.access` first.
"""
