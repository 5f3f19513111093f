"""Signals sent by the learners' services for apps of higher floors (which learners cannot import)."""

from django.dispatch import Signal

# Sent with ``learner_ids`` when placements of these learners were created or their dates changed:
# attendance keeps its per-learner summary up to date from it (the roll calls a learner is expected at
# follow from their placements).
placements_changed = Signal()
