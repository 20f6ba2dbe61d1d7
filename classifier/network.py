"""The trainable network: an encoder (optionally with LoRA), mean pooling, a linear head.

Only the fine-tuned delta is saved (LoRA matrices, unfrozen layers, head); the base
encoder comes from the converted cache (or a folder bundled with the model), so the
shipped model stays a few megabytes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

LORA_TARGETS = ["query", "key", "value", "attention.output.dense", "intermediate.dense",
                "output.dense"]


@dataclass
class AdapterSpec:
    """How the encoder is fine-tuned: "lora", "partial" (last layers unfrozen), "head", or
    "student" (a shallower encoder: only the base layers in `keep_layers`, all trained)."""

    method: str = "lora"
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    target_modules: list[str] = field(default_factory=lambda: list(LORA_TARGETS))
    unfreeze_last: int = 0  # for "partial": how many top encoder layers train in full
    lora_layers: list[int] | None = None  # LoRA only in these layers (None: all)
    keep_layers: list[int] | None = None  # for "student": which base layers it keeps, in order
    ffn_size: int | None = None  # for "student": feed-forward width per layer (None: the base's)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AdapterSpec:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class ToneNet(nn.Module):
    """Encoder + mean pooling + dropout + one logit per label."""

    def __init__(self, encoder: nn.Module, hidden_size: int, n_labels: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.pooled(input_ids, attention_mask)))

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The mean-pooled last hidden state the head reads (distillation matches it)."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return mean_pool(out.last_hidden_state, attention_mask)

    def with_token_logits(self, input_ids: torch.Tensor,
                          attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits plus each token's share of them, from the same single pass.

        Mean pooling and a linear head commute: logit_j = mean_t(h_t . w_j) + b_j over
        the masked tokens, so `token_logits[b, t, j] = h_t . w_j` (no bias, shape
        (batch, seq, n_labels)) says how far token t pushed label j. Padding rows are
        not zeroed: callers mask them. Meant for inference (eval mode: dropout is off).
        """
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.head(self.dropout(mean_pool(hidden, attention_mask)))
        return logits, torch.matmul(hidden, self.head.weight.t())

    # The split forward below lets training cache the frozen bottom layers once (CPU speed).
    def bert(self) -> Any:
        enc: Any = self.encoder
        return enc.get_base_model() if hasattr(enc, "get_base_model") else enc

    def run_layers(self, hidden: torch.Tensor, mask: torch.Tensor, start: int,
                   stop: int | None = None) -> torch.Tensor:
        from transformers.masking_utils import create_bidirectional_mask

        bert = self.bert()
        mask4 = create_bidirectional_mask(config=bert.config, inputs_embeds=hidden,
                                          attention_mask=mask)
        for layer in bert.encoder.layer[start:stop]:
            out = layer(hidden, attention_mask=mask4)
            hidden = out[0] if isinstance(out, tuple) else out
        return hidden

    def bottom(self, input_ids: torch.Tensor, mask: torch.Tensor, stop: int) -> torch.Tensor:
        """Hidden states entering layer `stop` (embeddings + layers below it)."""
        return self.run_layers(self.bert().embeddings(input_ids=input_ids), mask, 0, stop)

    def top(self, hidden: torch.Tensor, mask: torch.Tensor, start: int) -> torch.Tensor:
        """Logits from hidden states entering layer `start`."""
        out = self.run_layers(hidden, mask, start)
        return self.head(self.dropout(mean_pool(out, mask)))


def load_encoder(base_dir: Path) -> Any:
    from transformers import AutoModel

    return AutoModel.from_pretrained(str(base_dir))  # the (unused) pooler loads quietly


def build_net(base_dir: Path, n_labels: int, spec: AdapterSpec) -> ToneNet:
    """A fresh network ready for training: trainable parts as `spec` says, the rest frozen."""
    encoder: Any = load_encoder(base_dir)
    hidden = int(encoder.config.hidden_size)
    for p in encoder.parameters():
        p.requires_grad = False
    if spec.method == "lora":
        from peft import LoraConfig, get_peft_model

        cfg = LoraConfig(r=spec.lora_r, lora_alpha=spec.lora_alpha, lora_dropout=spec.lora_dropout,
                         target_modules=spec.target_modules, bias="none",
                         layers_to_transform=spec.lora_layers)
        encoder = get_peft_model(encoder, cfg)
    elif spec.method == "partial":
        layers = encoder.encoder.layer
        for layer in layers[len(layers) - spec.unfreeze_last:]:
            for p in layer.parameters():
                p.requires_grad = True
    elif spec.method == "student":
        keep_student_layers(encoder, spec.keep_layers or [], spec.ffn_size)
    elif spec.method != "head":
        raise ValueError(f"unknown adapter method {spec.method!r}")
    return ToneNet(encoder, hidden, n_labels)


def keep_student_layers(encoder: Any, keep: list[int], ffn_size: int | None = None) -> None:
    """Cut the encoder down to the layers in `keep` and make them trainable.

    The word embeddings stay frozen and come from the base model, so the saved delta is
    the kept layers and the head (~7 MB a layer), and the student keeps every language
    the base vocabulary covers. Dropping top layers loses less than dropping bottom ones
    (Sajjad et al., "On the effect of dropping layers of pre-trained transformer models").
    `ffn_size` narrows each kept layer's feed-forward block (two thirds of a layer's
    products); which neurons survive is chosen when the student is seeded
    (`training.distill.seed_student`), the loaded weights fill them in.
    """
    layers = encoder.encoder.layer
    if not keep or any(not 0 <= k < len(layers) for k in keep):
        raise ValueError(f"keep_layers must name layers 0..{len(layers) - 1}, not {keep}")
    encoder.encoder.layer = nn.ModuleList([layers[k] for k in keep])
    encoder.config.num_hidden_layers = len(keep)
    width = int(encoder.config.intermediate_size)
    if ffn_size is not None and ffn_size != width:
        if not 0 < ffn_size < width:
            raise ValueError(f"ffn_size must be between 1 and {width - 1}, not {ffn_size}")
        for layer in encoder.encoder.layer:
            narrow_ffn(layer, torch.arange(ffn_size))
        encoder.config.intermediate_size = ffn_size
    for p in encoder.encoder.layer.parameters():
        p.requires_grad = True


def narrow_ffn(layer: Any, neurons: torch.Tensor) -> None:
    """Keep only the feed-forward neurons `neurons` of a BERT layer (weights sliced)."""
    up, down = layer.intermediate.dense, layer.output.dense
    layer.intermediate.dense = nn.Linear(up.in_features, len(neurons))
    layer.output.dense = nn.Linear(len(neurons), down.out_features)
    copy_ffn_neurons(up, down, layer, neurons)


def copy_ffn_neurons(up: nn.Linear, down: nn.Linear, layer: Any, neurons: torch.Tensor) -> None:
    """Copy the feed-forward neurons `neurons` of (`up`, `down`) into `layer`'s narrower block.

    `up` and `down` are a wider layer's `intermediate.dense` and `output.dense`; `layer`
    has exactly `len(neurons)` feed-forward neurons, filled in the order given.
    """
    with torch.no_grad():
        layer.intermediate.dense.weight.copy_(up.weight[neurons])
        layer.intermediate.dense.bias.copy_(up.bias[neurons])
        layer.output.dense.weight.copy_(down.weight[:, neurons])
        layer.output.dense.bias.copy_(down.bias)


def delta_state(net: ToneNet) -> dict[str, torch.Tensor]:
    """The parameters that training changed (everything else is the base model)."""
    return {n: p.detach().contiguous().clone()
            for n, p in net.named_parameters() if p.requires_grad}


def load_delta(net: ToneNet, delta: dict[str, torch.Tensor]) -> None:
    expected = {n for n, p in net.named_parameters() if p.requires_grad}
    missing, unexpected = expected - set(delta), set(delta) - expected
    if missing or unexpected:
        raise ValueError(f"weights do not fit the network: missing {sorted(missing)[:5]}, "
                         f"unexpected {sorted(unexpected)[:5]}")
    params = dict(net.named_parameters())
    with torch.no_grad():
        for name, value in delta.items():
            params[name].copy_(value)


def for_inference(net: ToneNet) -> ToneNet:
    """Fold LoRA into the encoder weights so inference runs a plain BertModel."""
    from peft import PeftModel

    if isinstance(net.encoder, PeftModel):
        net.encoder = net.encoder.merge_and_unload()
    net.eval()
    for p in net.parameters():
        p.requires_grad = False
    return net
