"""A submission's wall-time budget: cells, calls (with their callbacks), retries and replays draw on one clock.

    budget = Budget(180, replay_seconds=30)      # starts now
    seconds, why = budget.limit(10, replay=False)  # the next request's time, and what stops it

Every request to the worker gets the time its own limit allows, or what the budget has left
if that is less (then the request is said to be stopped by the budget). Replaying the cells
that had succeeded, after the worker died, draws on the budget and also on a smaller
allowance of its own, so that crashes cannot make a submission's slow cells run again and again.
"""

from __future__ import annotations

import time
from typing import NamedTuple


class Limit(NamedTuple):
    """How long the next request may take, and what to say when it takes longer."""

    seconds: float
    why: str


class Budget:
    """``seconds`` of wall time from now for one submission, of which ``replay_seconds`` for replays."""

    def __init__(self, seconds: float, *, replay_seconds: float) -> None:
        self.seconds, self.replay_seconds = seconds, replay_seconds
        self._deadline = time.monotonic() + seconds
        self._replayed = 0.0

    def __str__(self) -> str:
        return f"the submission's time budget of {self.seconds:g} s"

    def left(self) -> float:
        """Seconds left (0 once spent)."""
        return max(self._deadline - time.monotonic(), 0.0)

    def replay_left(self) -> float:
        """Seconds left for replays."""
        return max(self.replay_seconds - self._replayed, 0.0)

    def replayed(self, seconds: float) -> None:
        """Count ``seconds`` spent replaying cells."""
        self._replayed += seconds

    def limit(self, seconds: float, *, replay: bool) -> Limit:
        """The time of a request whose own limit is ``seconds``; a Limit of 0 seconds when nothing is left."""
        own = Limit(seconds, f"it ran for more than {seconds:g} s and was stopped")
        budget = Limit(self.left(), f"it was stopped when {self} ran out")
        replays = Limit(self.replay_left(), f"running the earlier cells again after the crash took more than "
                                            f"the {self.replay_seconds:g} s allowed for that")
        return min([own, budget, *([replays] if replay else [])], key=lambda limit: limit.seconds)
