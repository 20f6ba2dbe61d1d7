"""The seam between tokenized batches and logits.

`ToneClassifier` only ever calls `backend.logits(input_ids, attention_mask)`, or
`backend.logits_and_tokens(...)` when it wants spans, so another runtime (e.g. ONNX
Runtime int8, issue 8) can replace the torch one without touching tokenization,
calibration, spans or the service. Token logits (each token's projection on the head,
see `ToneNet.with_token_logits`) come from the same forward pass; every backend gives them
(an ONNX export without them is stale and not loaded, see `onnx_backend.find_onnx`).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import torch

from classifier.network import ToneNet


class Backend(Protocol):
    name: str

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Raw (uncalibrated) logits, shape (batch, n_labels), float32."""
        ...

    def logits_and_tokens(self, input_ids: np.ndarray, attention_mask: np.ndarray,
                          ) -> tuple[np.ndarray, np.ndarray]:
        """Logits and token logits (batch, seq, n_labels), float32, from one pass."""
        ...


class TorchBackend:
    """The network in torch, fp32 or (`bfloat16=True`) bfloat16 weights and products.

    bfloat16 keeps fp32's range with an 8-bit mantissa: on the test split it moves
    probabilities by at most ~0.04 (README, performance). It pays off only where the CPU
    multiplies bfloat16 natively (AMX on Xeon 4th gen and later); elsewhere it is slower.
    """

    def __init__(self, net: ToneNet, bfloat16: bool = False) -> None:
        self.net = (net.to(torch.bfloat16) if bfloat16 else net).eval()
        self.name = "torch-bf16" if bfloat16 else "torch"

    def _tensors(self, input_ids: np.ndarray,
                 attention_mask: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        device = next(self.net.parameters()).device
        self.net.eval()
        return (torch.from_numpy(input_ids).long().to(device),
                torch.from_numpy(attention_mask).long().to(device))

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        ids, mask = self._tensors(input_ids, attention_mask)
        with torch.inference_mode():
            out = self.net(ids, mask)
        return out.float().cpu().numpy()

    def logits_and_tokens(self, input_ids: np.ndarray, attention_mask: np.ndarray,
                          ) -> tuple[np.ndarray, np.ndarray]:
        ids, mask = self._tensors(input_ids, attention_mask)
        with torch.inference_mode():
            logits, tokens = self.net.with_token_logits(ids, mask)
        return logits.float().cpu().numpy(), tokens.float().cpu().numpy()
