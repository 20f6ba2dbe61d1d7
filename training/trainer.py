"""Fine-tune the encoder + multi-label head, tune thresholds, calibrate, evaluate, save.

The inputs are built exactly as `ToneClassifier.predict` builds them (email clean-up,
then the business-hours marker), so what the model learns is what it will see.

`Trainer.run` is a sequence of named steps, each readable and testable alone:
`new_config`, `prepare_data`, `build_model`, (`training.distill.distillation_targets`),
`train_loop`, `calibrate`, `evaluate`, `training_record`, `save`.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from classifier.calibration import sigmoid
from classifier.config import ModelConfig, model_input
from classifier.email_cleanup import clean_message
from classifier.hours import DEFAULT_HOURS, BusinessHours
from classifier.model import ToneClassifier
from classifier.network import AdapterSpec, ToneNet, build_net, delta_state, load_delta
from classifier.paths import project_relative
from classifier.types import LABELS
from training.args import TrainingArguments
from training.batching import collate, length_batches, sorted_batches
from training.calibrate import ThresholdRule, fit_calibration
from training.data import Row, load_splits, read_extra
from training.distill import (
    COMPACT_MARKERS,
    COMPACT_TEMPLATE,
    DistillTargets,
    distillation_targets,
    hidden_loss,
    soft_loss,
)
from training.metrics import evaluate_arrays, macro_f1, tune_thresholds
from training.natural.evaluate import evaluate_natural
from training.natural.loader import Loaded, load_natural

logger = logging.getLogger(__name__)


@dataclass
class Prepared:
    inputs: list[str]
    texts: list[str]  # the cleaned text behind each input (a teacher builds its own inputs)
    outside: list[bool | None]
    y: np.ndarray  # (n, n_labels) 0/1
    mask: np.ndarray  # (n, n_labels) which labels count in the loss
    weight: np.ndarray  # (n,)
    langs: list[str | None]
    hard: list[bool]


def _outside(row: Row, hours: BusinessHours) -> bool | None:
    from datetime import datetime

    value = row.get("sent_at")
    if not value:
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return hours.is_outside(dt)


def prepare(rows: list[Row], counterfactuals: bool = False, weight: float = 1.0,
            hours: BusinessHours = DEFAULT_HOURS,
            to_input: Callable[[str, bool | None], str] = model_input) -> Prepared:
    """Model inputs and targets; optionally the label-safe time counterfactuals."""
    off = LABELS.index("off_hours_pressure")
    inputs, ys, masks, weights, langs, hard = [], [], [], [], [], []
    texts: list[str] = []
    outsides: list[bool | None] = []

    def add(text: str, outside: bool | None, y: np.ndarray, m: np.ndarray, w: float,
            row: Row) -> None:
        inputs.append(to_input(text, outside))
        texts.append(text)
        outsides.append(outside)
        ys.append(y)
        masks.append(m)
        weights.append(w)
        langs.append(row.get("lang"))
        hard.append(bool(row.get("hard_negative")))

    for row in rows:
        text = clean_message(row["text"]).text
        y = np.array([lab in row["labels"] for lab in LABELS], dtype=np.float32)
        only = row.get("only")
        m = np.array([only is None or lab in only for lab in LABELS], dtype=np.float32)
        outside = _outside(row, hours)
        add(text, outside, y, m, weight, row)
        # Calm at night stays calm by day; flagged by day stays flagged at night.
        if counterfactuals and outside is not None and bool(outside) != bool(y[off]):
            add(text, not outside, y, m, weight * 0.5, row)
    return Prepared(inputs, texts, outsides, np.array(ys).reshape(-1, len(LABELS)),
                    np.array(masks).reshape(-1, len(LABELS)), np.array(weights, dtype=np.float32),
                    langs, hard)


def _concat(a: Prepared, b: Prepared) -> Prepared:
    return Prepared(a.inputs + b.inputs, a.texts + b.texts, a.outside + b.outside,
                    np.vstack([a.y, b.y]), np.vstack([a.mask, b.mask]),
                    np.concatenate([a.weight, b.weight]), a.langs + b.langs, a.hard + b.hard)


def evaluation_figures(clf: ToneClassifier, test: Prepared,
                       natural_test: list[dict[str, Any]] | None,
                       ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The composed test split's figures and, given its rows, natural test's: what a model's
    config and card report (after training, or after `toneguard calibrate`)."""
    p = clf.calibrate(clf.logits(test.inputs))
    evaluation = evaluate_arrays(test.y, p, clf.thresholds, LABELS, test.langs, test.hard)
    evaluation["split"] = "test"
    natural = ({"natural_test": evaluate_natural(clf, natural_test)}
               if natural_test is not None else {})
    return evaluation, natural


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _collate_hidden(cached: list[torch.Tensor], idx: list[int]) -> torch.Tensor:
    width = max(cached[k].shape[0] for k in idx)
    out = torch.zeros((len(idx), width, cached[idx[0]].shape[1]))
    for r, k in enumerate(idx):
        out[r, : cached[k].shape[0]] = cached[k].float()
    return out


@dataclass
class TrainingData:
    """The prepared inputs every later step reads, and how the card describes them."""

    train: Prepared
    dev: Prepared
    test: Prepared
    select: Prepared  # picks the epoch, fits calibration and thresholds (natural dev or dev)
    natural: dict[str, Loaded] | None
    description: str
    extra: list[str]  # one line per extra data source that joined training


@dataclass
class Built:
    """The network to train with its tokenizer and the config it will be saved with."""

    net: ToneNet
    tokenizer: Any
    config: ModelConfig
    base: Path
    bundle: bool  # the base is the user's own: it is saved next to the weights
    cut: int  # layers below it are frozen and their output cached (0: none)

    def classifier(self) -> ToneClassifier:
        return ToneClassifier(self.net, self.tokenizer, self.config)


@dataclass
class Feed:
    """Tokenized training and selection inputs; with `Built.cut`, their cached states."""

    ids: list[list[int]]
    select_ids: list[list[int]]
    pad: int
    y: torch.Tensor
    mask: torch.Tensor
    weight: torch.Tensor
    cached: list[torch.Tensor] | None = None
    select_cached: list[torch.Tensor] | None = None


@dataclass
class Fit:
    """What the training loop leaves: the best epoch's weights and the history."""

    best_delta: dict[str, torch.Tensor]
    best_f1: float = -1.0
    best_epoch: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)


def warmup_linear_decay(warmup: int, total: int) -> Callable[[int], float]:
    """The learning-rate factor at step s: up linearly over `warmup` steps, then down to 0."""
    return lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))


class Trainer:
    def __init__(self, args: TrainingArguments) -> None:
        self.args = args.validate()
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    def _base_dir(self) -> Path:
        if self.args.base_model:
            return Path(self.args.base_model)
        from classifier.base_model import ensure_base_model

        return ensure_base_model()

    @torch.no_grad()
    def _cache(self, net: ToneNet, ids: list[list[int]], pad: int, cut: int) -> list[torch.Tensor]:
        """Hidden states entering layer `cut`, computed once (frozen layers, eval mode)."""
        from tqdm.auto import tqdm

        net.eval()
        out: list[torch.Tensor] = [torch.empty(0)] * len(ids)
        for idx in tqdm(sorted_batches(ids), desc=f"caching layers 0-{cut - 1}",
                        mininterval=2.0):
            x, m = collate(ids, idx, pad)
            h = net.bottom(x.to(self.device), m.to(self.device), cut).cpu().half()
            for r, k in enumerate(idx):
                out[k] = h[r, : len(ids[k])].clone()
        return out

    @torch.no_grad()
    def _top_logits(self, net: ToneNet, cached: list[torch.Tensor], ids: list[list[int]],
                    pad: int, cut: int) -> np.ndarray:
        net.eval()
        res = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
        for i in range(0, len(ids), 64):
            idx = list(range(i, min(i + 64, len(ids))))
            _, m = collate(ids, idx, pad)
            h = _collate_hidden(cached, idx).to(self.device)
            res[idx] = net.top(h, m.to(self.device), cut).float().cpu().numpy()
        return res

    def _spec(self) -> AdapterSpec:
        a = self.args
        spec = AdapterSpec(method=a.method, lora_r=a.lora_r, lora_alpha=a.lora_alpha,
                           lora_dropout=a.lora_dropout, unfreeze_last=a.unfreeze_last)
        if a.method == "student":
            spec.keep_layers = list(a.student_layers)
            spec.ffn_size = a.student_ffn
        return spec

    def _beta(self) -> float:
        a = self.args
        return a.threshold_beta if a.threshold_rule == "precision" else 1.0

    def _rule(self) -> ThresholdRule:
        a = self.args
        return ThresholdRule(a.threshold_rule, a.threshold_beta, a.max_clean_flagged,
                             a.max_real_complaint_flagged)

    # ------------------------------------------------------------------ the steps
    def run(self) -> Path:
        """Every step in order; the model folder it saved."""
        a = self.args
        if a.threads:
            torch.set_num_threads(a.threads)
        t_start = time.time()
        _seed(a.seed)
        config, spec = self.new_config()
        data = self.prepare_data(config.model_input)
        model = self.build_model(config, spec)
        targets = distillation_targets(a, model.net, data.train.texts, data.train.outside,
                                       cached=bool(model.cut))
        fit = self.train_loop(model, data, targets)
        delta = self.stored_delta(fit.best_delta)
        clf = self.calibrate(model, delta, data.select,
                             data.natural["dev"].rows if data.natural else None)
        self.evaluate(clf, data)
        config.training = self.training_record(data, targets, fit, time.time() - t_start)
        out = self.save(model, delta)
        logger.info("saved %s (dev macro-F1 %.4f, test macro-F1 %.4f)", out, fit.best_f1,
                    config.evaluation["macro_f1"])
        return out

    def new_config(self) -> tuple[ModelConfig, AdapterSpec]:
        """The config the model is saved with, and its adapter (an --init-from model's)."""
        a = self.args
        spec = self._spec()
        if a.init_from:
            init_cfg = json.loads((Path(a.init_from) / "config.json").read_text())
            spec = AdapterSpec.from_dict(init_cfg["adapter"])
        config = ModelConfig(name=a.name, version=a.version, adapter=spec.to_dict(),
                             max_length=a.max_length)
        if a.method == "student":
            config.input_template, config.time_markers = COMPACT_TEMPLATE, dict(COMPACT_MARKERS)
        return config, spec

    def prepare_data(self, to_input: Callable[[str, bool | None], str] = model_input,
                     ) -> TrainingData:
        """Read every split and extra source and turn it into model inputs and targets."""
        a = self.args
        splits, data_desc = load_splits(a.data, a.seed)
        if a.max_train_examples:
            splits["train"] = splits["train"][: a.max_train_examples]
        train = prepare(splits["train"], counterfactuals=a.time_counterfactuals,
                        to_input=to_input)
        extra = []
        for path in a.extra_data:
            rows, weak = read_extra(Path(path), a.extra_max_rows, a.seed)
            weight = a.extra_weight if weak else 1.0
            train = _concat(train, prepare(rows, weight=weight, to_input=to_input))
            kind = "aggression only" if weak else "all labels"
            extra.append(f"{Path(path).name}: {len(rows)} rows ({kind}, loss weight {weight})")
        natural = load_natural(Path(a.natural_data)) if a.natural_data else None
        if natural is not None:
            nat = prepare(natural["train"].rows, counterfactuals=a.time_counterfactuals,
                          weight=a.natural_weight, to_input=to_input)
            train = _concat(train, nat)
            extra.append(f"{a.natural_data}/train.jsonl: {len(natural['train'].rows)} "
                         f"natural rows (all labels, loss weight {a.natural_weight})")
        dev = prepare(splits["dev"], to_input=to_input)
        test = prepare(splits["test"], to_input=to_input)
        # Natural dev, when given, picks the epoch, the calibration and the thresholds.
        select = prepare(natural["dev"].rows, to_input=to_input) if natural else dev
        logger.info("train %d inputs, dev %d, test %d", len(train.inputs), len(dev.inputs),
                    len(test.inputs))
        description = (data_desc + f" (train {len(splits['train'])}, dev {len(splits['dev'])}, "
                       f"test {len(splits['test'])} messages; {len(train.inputs)} training "
                       "inputs with time counterfactuals and extra data)")
        return TrainingData(train, dev, test, select, natural, description, extra)

    def build_model(self, config: ModelConfig, spec: AdapterSpec) -> Built:
        """The base encoder with its adapter (and --init-from weights), seeded for repeats."""
        from transformers import AutoTokenizer

        a = self.args
        base = self._base_dir()
        tokenizer = AutoTokenizer.from_pretrained(str(base))
        n_layers = int(json.loads((base / "config.json").read_text())["num_hidden_layers"])
        cut = min(a.cache_below, n_layers - 1)
        if cut and a.method == "lora":
            spec.lora_layers = list(range(cut, n_layers))
        elif cut:
            spec.unfreeze_last = n_layers - cut
        config.adapter = spec.to_dict()
        _seed(a.seed)
        net = build_net(base, len(LABELS), spec).to(self.device)
        if a.init_from:
            from safetensors.torch import load_file

            load_delta(net, load_file(str(Path(a.init_from) / "model.safetensors")))
            logger.info("continuing from the weights of %s", a.init_from)
        bundle = bool(a.base_model) and not (base / "toneguard-base.json").is_file()
        if bundle:  # a base of the user's own travels with the model
            config.base_model = {"path": "base"}
        return Built(net, tokenizer, config, base, bundle, cut)

    def feed(self, model: Built, data: TrainingData) -> Feed:
        """Token ids of the training and selection inputs (cached states below the cut)."""
        a = self.args
        tok = model.tokenizer
        ids = tok(data.train.inputs, truncation=True, max_length=a.max_length)["input_ids"]
        pad = tok.pad_token_id
        cached = self._cache(model.net, ids, pad, model.cut) if model.cut else None
        select_ids = tok(data.select.inputs, truncation=True,
                         max_length=a.max_length)["input_ids"]
        select_cached = (self._cache(model.net, select_ids, pad, model.cut) if model.cut
                         else None)
        train = data.train
        return Feed(ids, select_ids, pad, torch.from_numpy(train.y),
                    torch.from_numpy(train.mask), torch.from_numpy(train.weight),
                    cached, select_cached)

    def _optimizer(self, net: ToneNet) -> torch.optim.Optimizer:
        """AdamW with the head on its own (higher) learning rate."""
        a = self.args
        head = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("head")]
        body = [p for n, p in net.named_parameters() if p.requires_grad
                and not n.startswith("head")]
        return torch.optim.AdamW([{"params": body, "lr": a.learning_rate},
                                  {"params": head, "lr": a.head_learning_rate}],
                                 weight_decay=a.weight_decay)

    def total_steps(self, n_inputs: int) -> int:
        a = self.args
        total = (n_inputs + a.batch_size - 1) // a.batch_size * a.epochs
        return min(total, a.max_steps) if a.max_steps else total

    def train_loop(self, model: Built, data: TrainingData,
                   targets: DistillTargets | None = None) -> Fit:
        """Epochs until --epochs, --max-steps or --patience; keeps the best epoch's weights."""
        a = self.args
        targets = targets or DistillTargets()
        feed = self.feed(model, data)
        opt = self._optimizer(model.net)
        rng = random.Random(a.seed)
        total = self.total_steps(len(feed.ids))
        warm = max(1, int(total * a.warmup_ratio))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_linear_decay(warm, total))
        fit, bad, step = Fit(delta_state(model.net)), 0, 0
        for epoch in range(1, a.epochs + 1):
            t0 = time.time()
            loss, step = self._epoch(epoch, model, feed, targets, (opt, sched, rng), step)
            fit.epoch_seconds.append(time.time() - t0)
            f1 = self.select_f1(model, feed, data.select)
            fit.history.append({"epoch": epoch, "train_loss": round(loss, 4),
                                "dev_macro_f1": round(f1, 4),
                                "seconds": round(fit.epoch_seconds[-1], 1)})
            logger.info("epoch %d: dev macro-F1 %.4f (%.0fs)", epoch, f1, fit.epoch_seconds[-1])
            if f1 > fit.best_f1:
                fit.best_f1, fit.best_delta, fit.best_epoch, bad = (f1, delta_state(model.net),
                                                                    epoch, 0)
            else:
                bad += 1
                if bad >= a.patience:
                    logger.info("early stop: no dev gain for %d epochs", bad)
                    break
            if a.max_steps and step >= a.max_steps:
                break
        return fit

    def _epoch(self, epoch: int, model: Built, feed: Feed, targets: DistillTargets,
               optimizing: tuple[torch.optim.Optimizer, Any, random.Random],
               step: int) -> tuple[float, int]:
        """One pass over the batches; the mean training loss and the step count after it."""
        from tqdm.auto import tqdm

        a = self.args
        opt, sched, rng = optimizing
        model.net.train()
        running, n_batch = 0.0, 0
        bar = tqdm(length_batches([len(x) for x in feed.ids], a.batch_size, rng),
                   desc=f"epoch {epoch}/{a.epochs}", unit="batch", mininterval=2.0)
        for n_batch, idx in enumerate(bar, 1):
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=a.bf16):
                loss = self.batch_loss(model, feed, targets, idx)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(
                [p for p in model.net.parameters() if p.requires_grad], 1.0)
            opt.step()
            sched.step()
            step += 1
            running += float(loss.detach())
            bar.set_postfix(loss=f"{running / n_batch:.4f}")
            if a.max_steps and step >= a.max_steps:
                break
        return running / max(1, n_batch), step

    def batch_loss(self, model: Built, feed: Feed, targets: DistillTargets,
                   idx: list[int]) -> torch.Tensor:
        """Masked, row-weighted BCE on the labels, plus the teacher's terms when distilling."""
        a, net, dev = self.args, model.net, self.device
        x, m = collate(feed.ids, idx, feed.pad)
        m = m.to(dev)
        pooled = None
        if feed.cached is not None:
            logits = net.top(_collate_hidden(feed.cached, idx).to(dev), m, model.cut)
        elif targets.pooled is not None:
            pooled = net.pooled(x.to(dev), m)
            logits = net.head(net.dropout(pooled))
        else:
            logits = net(x.to(dev), m)
        yb, mb, wb = feed.y[idx], feed.mask[idx], feed.weight[idx]
        per = nn.functional.binary_cross_entropy_with_logits(logits, yb.to(dev),
                                                             reduction="none")
        per = per * mb.to(dev) * wb.to(dev)[:, None]
        loss = per.sum() / (mb * wb[:, None]).sum().to(dev).clamp(min=1.0)
        if targets.soft is not None:
            loss = ((1 - a.distill_weight) * loss + a.distill_weight
                    * soft_loss(logits, targets.soft[idx].to(dev), wb.to(dev)))
        if pooled is not None and targets.pooled is not None:
            loss = loss + a.distill_hidden_weight * hidden_loss(
                pooled, targets.pooled[idx].to(dev))
        return loss

    def select_f1(self, model: Built, feed: Feed, select: Prepared) -> float:
        """Macro-F1 on the selection set at its own best thresholds: what picks the epoch."""
        if feed.select_cached is not None:
            logits = self._top_logits(model.net, feed.select_cached, feed.select_ids,
                                      feed.pad, model.cut)
        else:
            logits = model.classifier().logits(select.inputs)
        p = sigmoid(logits)
        return macro_f1(select.y, p >= tune_thresholds(select.y, p, self._beta())[None, :])

    def stored_delta(self, delta: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The weights as they will be saved (and so calibrated and evaluated)."""
        if self.args.method == "student":
            # A student's delta is whole layers (~7 MB each in fp32): it is stored in fp16
            # (loading widens it back to fp32).
            return {k: v.half() for k, v in delta.items()}
        return delta

    def calibrate(self, model: Built, delta: dict[str, torch.Tensor], select: Prepared,
                  rows: list[dict[str, Any]] | None = None) -> ToneClassifier:
        """Load `delta`, fit Platt scaling and pick thresholds on the selection set (its
        natural `rows`, when it is natural dev, for the budget rule)."""
        load_delta(model.net, delta)
        config = model.config
        logits = model.classifier().logits(select.inputs)
        platt, thr = fit_calibration(select.y, logits, self._rule(), rows)
        config.calibration = {lab: platt[j] for j, lab in enumerate(LABELS)}
        clf = model.classifier()
        config.thresholds = {lab: float(thr[j]) for j, lab in enumerate(LABELS)}
        clf.thresholds = thr
        return clf

    def evaluate(self, clf: ToneClassifier, data: TrainingData) -> None:
        """Test-split metrics (and natural test ones) into the classifier's config."""
        natural = data.natural["test"].rows if data.natural is not None else None
        evaluation, evaluations = evaluation_figures(clf, data.test, natural)
        clf.config.evaluation = evaluation
        if evaluations:
            clf.config.evaluations = evaluations

    def training_record(self, data: TrainingData, targets: DistillTargets, fit: Fit,
                        seconds: float) -> dict[str, Any]:
        """The `training` section of the config (and so of the model card)."""
        a = self.args
        sel_name = (f"{project_relative(Path(a.natural_data))}/dev.jsonl"
                    if data.natural and a.natural_data else "the dev split")
        return {
            "command": a.command or "toneguard train",
            "data": data.description,
            "extra_data": data.extra or "none",
            "calibration_and_thresholds": (
                f"Platt scaling per label fitted on {sel_name}; "
                f"{self._rule().describe(sel_name)}; the same set picked the epoch"),
            **({"init_from": a.init_from} if a.init_from else {}),
            "distillation": targets.description,
            **({"stored_weights": "fp16 (a student's delta is whole layers); calibrated and "
                                  "evaluated on the stored weights"}
               if a.method == "student" else {}),
            "hyperparameters": {k: v for k, v in a.to_dict().items()
                                if k not in ("command", "data", "output_dir")},
            "timing": {"device": str(self.device), "threads": torch.get_num_threads(),
                       "epoch_seconds": [round(s, 1) for s in fit.epoch_seconds],
                       "total_seconds": round(seconds, 1),
                       "best_epoch": fit.best_epoch, "history": fit.history},
        }

    def save(self, model: Built, delta: dict[str, torch.Tensor]) -> Path:
        """Weights (the delta), config and model card into --output-dir."""
        model.net.cpu()
        out = Path(self.args.output_dir)
        model.classifier().save_pretrained(out, delta={k: v.cpu() for k, v in delta.items()},
                                           base_dir=model.base if model.bundle else None)
        return out
