"""Type aliases shared by the reference modules."""

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Array: TypeAlias = npt.NDArray[np.float64]
Params: TypeAlias = dict[str, Array]
"""``{"W1": (n1, n0), "b1": (n1, 1), ...}``; gradients and optimizer states use ``"dW1"``, ``"db1"``, ..."""
