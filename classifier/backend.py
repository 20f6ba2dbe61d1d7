"""The seam between tokenized batches and logits.

`ToneClassifier` only ever calls `backend.logits(input_ids, attention_mask)`, so another
runtime (e.g. ONNX Runtime int8, issue 8) can replace the torch one without touching
tokenization, calibration, spans or the service.
"""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np
import torch

from classifier.network import ToneNet

logger = logging.getLogger(__name__)


class Backend(Protocol):
    name: str

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Raw (uncalibrated) logits, shape (batch, n_labels), float32."""
        ...


class TorchBackend:
    name = "torch"

    def __init__(self, net: ToneNet) -> None:
        self.net = net.eval()

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        device = next(self.net.parameters()).device
        self.net.eval()
        with torch.inference_mode():
            out = self.net(torch.from_numpy(input_ids).long().to(device),
                           torch.from_numpy(attention_mask).long().to(device))
        return out.float().cpu().numpy()
