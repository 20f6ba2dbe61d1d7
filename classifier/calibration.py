"""The logistic function behind Platt calibration, shared by scores and span scores."""

from __future__ import annotations

from typing import TypeVar

import numpy as np

Value = TypeVar("Value", np.ndarray, float)


def sigmoid(x: Value) -> Value:
    """1 / (1 + e^-x), element-wise for arrays."""
    out: Value = 1.0 / (1.0 + np.exp(-x))
    return out
