"""Early stopping: the best epoch so far and the epoch where patience runs out."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import early_stopping

#: Dev costs with frequent ties (a few values) and patiences.
COSTS = st.lists(st.sampled_from([0.9, 0.7, 0.5, 0.4, 0.45, 0.3, 0.6]), min_size=1, max_size=30)
PATIENCE = st.integers(1, 6)


@pytest.mark.parametrize(("dev_costs", "patience", "expected"), [
    ([1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.9], 3, (2, 5)),
    ([0.5, 0.5, 0.5], 2, (0, 2)),                      # a tie never replaces the best
    ([0.5, 0.4, 0.3, 0.2], 1, (3, None)),              # never stops: still falling
    ([0.3], 1, (0, None)),
    ([0.3, 0.4], 1, (0, 1)),
    ([0.6, 0.5, 0.7, 0.4, 0.8, 0.9, 0.1], 2, (3, 5)),  # a later, lower cost comes too late
])
def test_hand_cases(dev_costs, patience, expected) -> None:
    assert early_stopping(dev_costs, patience) == expected


@given(dev_costs=COSTS, patience=PATIENCE)
def test_best_is_the_first_lowest_cost_seen_and_stop_the_first_epoch_out_of_patience(dev_costs, patience) -> None:
    best, stop = early_stopping(dev_costs, patience)
    seen = dev_costs if stop is None else dev_costs[:stop + 1]
    assert best == seen.index(min(seen))
    running = [costs.index(min(costs)) for costs in (dev_costs[:e + 1] for e in range(len(seen)))]
    assert all(e - b < patience for e, b in enumerate(running[:-1]))
    assert (stop is None and len(seen) - 1 - running[-1] < patience) or stop - best == patience
    assert type(best) is int and (stop is None or type(stop) is int)


@given(dev_costs=COSTS, patience=PATIENCE)
def test_more_patience_never_stops_earlier(dev_costs, patience) -> None:
    _, stop = early_stopping(dev_costs, patience)
    _, later = early_stopping(dev_costs, patience + 1)
    assert stop is None and later is None or later is None or stop is not None and later > stop
