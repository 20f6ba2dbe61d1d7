"""Fine-tune the encoder + multi-label head, tune thresholds, calibrate, evaluate, save.

The inputs are built exactly as `ToneClassifier.predict` builds them (email clean-up,
then the business-hours marker), so what the model learns is what it will see.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from classifier.config import ModelConfig, model_input
from classifier.email_cleanup import clean_message
from classifier.hours import DEFAULT_HOURS, BusinessHours
from classifier.model import ToneClassifier
from classifier.network import AdapterSpec, ToneNet, build_net, delta_state, load_delta
from classifier.types import LABELS
from training.args import TrainingArguments
from training.batching import collate, length_batches
from training.data import Row, load_splits, read_extra
from training.distill import (
    COMPACT_MARKERS,
    COMPACT_TEMPLATE,
    ffn_importance,
    hidden_loss,
    load_teacher,
    seed_student,
    soft_loss,
    teacher_targets,
)
from training.metrics import evaluate_arrays, fit_platt, macro_f1, tune_thresholds
from training.natural.evaluate import evaluate_natural
from training.natural.loader import load_natural

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
        order = sorted(range(len(ids)), key=lambda k: len(ids[k]))
        for i in tqdm(range(0, len(order), 64), desc=f"caching layers 0-{cut - 1}",
                      mininterval=2.0):
            idx = order[i : i + 64]
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

    def run(self) -> Path:
        from tqdm.auto import tqdm
        from transformers import AutoTokenizer

        a = self.args
        if a.threads:
            torch.set_num_threads(a.threads)
        t_start = time.time()
        _seed(a.seed)
        splits, data_desc = load_splits(a.data, a.seed)
        if a.max_train_examples:
            splits["train"] = splits["train"][: a.max_train_examples]
        spec = self._spec()
        if a.init_from:
            init_cfg = json.loads((Path(a.init_from) / "config.json").read_text())
            spec = AdapterSpec.from_dict(init_cfg["adapter"])
        config = ModelConfig(name=a.name, version=a.version, adapter=spec.to_dict(),
                             max_length=a.max_length)
        if a.method == "student":
            config.input_template, config.time_markers = COMPACT_TEMPLATE, dict(COMPACT_MARKERS)
        to_input = config.model_input
        train = prepare(splits["train"], counterfactuals=a.time_counterfactuals,
                        to_input=to_input)
        extra_desc = []
        for path in a.extra_data:
            rows, weak = read_extra(Path(path), a.extra_max_rows, a.seed)
            weight = a.extra_weight if weak else 1.0
            train = _concat(train, prepare(rows, weight=weight, to_input=to_input))
            kind = "aggression only" if weak else "all labels"
            extra_desc.append(f"{Path(path).name}: {len(rows)} rows ({kind}, "
                              f"loss weight {weight})")
        natural = load_natural(Path(a.natural_data)) if a.natural_data else None
        if natural is not None:
            nat = prepare(natural["train"].rows, counterfactuals=a.time_counterfactuals,
                          weight=a.natural_weight, to_input=to_input)
            train = _concat(train, nat)
            extra_desc.append(f"{a.natural_data}/train.jsonl: {len(natural['train'].rows)} "
                              f"natural rows (all labels, loss weight {a.natural_weight})")
        dev = prepare(splits["dev"], to_input=to_input)
        test = prepare(splits["test"], to_input=to_input)
        # Natural dev, when given, picks the epoch, the calibration and the thresholds.
        select = prepare(natural["dev"].rows, to_input=to_input) if natural else dev
        logger.info("train %d inputs, dev %d, test %d", len(train.inputs), len(dev.inputs),
                    len(test.inputs))

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
        soft: torch.Tensor | None = None
        teacher_pooled: torch.Tensor | None = None
        distill_desc: dict[str, Any] | str = "none"
        if a.teacher:
            teacher = load_teacher(a.teacher)
            if a.method == "student":
                importance = None
                if a.student_ffn:
                    sample = [teacher.config.model_input(t, o) for t, o in
                              zip(train.texts[:1024], train.outside[:1024], strict=True)]
                    importance = ffn_importance(teacher, sample, a.student_layers)
                seed_student(net, teacher.net, a.student_layers, importance)
            t_logits, t_pooled = teacher_targets(teacher, train.texts, train.outside,
                                                 teacher.config.max_length)
            soft = torch.from_numpy(t_logits)
            if a.distill_hidden_weight and not cut:
                teacher_pooled = torch.from_numpy(t_pooled)
            distill_desc = {"teacher": f"{teacher.name} {teacher.version}",
                            "teacher_dir": str(a.teacher), "soft_weight": a.distill_weight,
                            "pooled_state_weight": a.distill_hidden_weight}
            del teacher
        clf = ToneClassifier(net, tokenizer, config)
        ids = tokenizer(train.inputs, truncation=True, max_length=a.max_length)["input_ids"]
        lengths = [len(x) for x in ids]
        pad = tokenizer.pad_token_id
        cached = self._cache(net, ids, pad, cut) if cut else None
        dev_ids = tokenizer(select.inputs, truncation=True,
                            max_length=a.max_length)["input_ids"]
        dev_cached = self._cache(net, dev_ids, pad, cut) if cut else None

        head = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("head")]
        body = [p for n, p in net.named_parameters() if p.requires_grad
                and not n.startswith("head")]
        opt = torch.optim.AdamW([{"params": body, "lr": a.learning_rate},
                                 {"params": head, "lr": a.head_learning_rate}],
                                weight_decay=a.weight_decay)
        rng = random.Random(a.seed)
        steps_per_epoch = (len(ids) + a.batch_size - 1) // a.batch_size
        total = steps_per_epoch * a.epochs
        if a.max_steps:
            total = min(total, a.max_steps)
        warm = max(1, int(total * a.warmup_ratio))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
        loss_fn = nn.BCEWithLogitsLoss(reduction="none")
        y_t, m_t, w_t = (torch.from_numpy(train.y), torch.from_numpy(train.mask),
                         torch.from_numpy(train.weight))

        beta = a.threshold_beta if a.threshold_rule == "precision" else 1.0
        best_f1, best_delta, best_epoch, bad, step = -1.0, delta_state(net), 0, 0, 0
        history: list[dict[str, Any]] = []
        epoch_secs: list[float] = []
        for epoch in range(1, a.epochs + 1):
            net.train()
            t0 = time.time()
            running = 0.0
            bar = tqdm(length_batches(lengths, a.batch_size, rng),
                       desc=f"epoch {epoch}/{a.epochs}", unit="batch", mininterval=2.0)
            for n_batch, idx in enumerate(bar, 1):
                x, m = collate(ids, idx, pad)
                m = m.to(self.device)
                pooled = None
                if cached is not None:
                    logits = net.top(_collate_hidden(cached, idx).to(self.device), m, cut)
                elif teacher_pooled is not None:
                    pooled = net.pooled(x.to(self.device), m)
                    logits = net.head(net.dropout(pooled))
                else:
                    logits = net(x.to(self.device), m)
                yb, mb, wb = y_t[idx], m_t[idx], w_t[idx]
                per = loss_fn(logits, yb.to(self.device)) * mb.to(self.device)
                per = per * wb.to(self.device)[:, None]
                loss = per.sum() / (mb * wb[:, None]).sum().to(self.device).clamp(min=1.0)
                if soft is not None:
                    loss = ((1 - a.distill_weight) * loss + a.distill_weight
                            * soft_loss(logits, soft[idx].to(self.device), wb.to(self.device)))
                if pooled is not None and teacher_pooled is not None:
                    loss = loss + a.distill_hidden_weight * hidden_loss(
                        pooled, teacher_pooled[idx].to(self.device))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad],
                                               1.0)
                opt.step()
                sched.step()
                step += 1
                running += float(loss.detach())
                bar.set_postfix(loss=f"{running / n_batch:.4f}")
                if a.max_steps and step >= a.max_steps:
                    break
            epoch_secs.append(time.time() - t0)
            if dev_cached is not None:
                dev_logits = self._top_logits(net, dev_cached, dev_ids, pad, cut)
            else:
                dev_logits = clf.logits(select.inputs)
            p = 1 / (1 + np.exp(-dev_logits))
            f1 = macro_f1(select.y, p >= tune_thresholds(select.y, p, beta)[None, :])
            history.append({"epoch": epoch, "train_loss": round(running / max(1, n_batch), 4),
                            "dev_macro_f1": round(f1, 4), "seconds": round(epoch_secs[-1], 1)})
            logger.info("epoch %d: dev macro-F1 %.4f (%.0fs)", epoch, f1, epoch_secs[-1])
            if f1 > best_f1:
                best_f1, best_delta, best_epoch, bad = f1, delta_state(net), epoch, 0
            else:
                bad += 1
                if bad >= a.patience:
                    logger.info("early stop: no dev gain for %d epochs", bad)
                    break
            if a.max_steps and step >= a.max_steps:
                break

        if a.method == "student":
            # A student's delta is whole layers (~7 MB each in fp32): it is stored in fp16,
            # and calibrated and evaluated as stored (loading widens it back to fp32).
            best_delta = {k: v.half() for k, v in best_delta.items()}
        load_delta(net, best_delta)
        dev_logits = clf.logits(select.inputs)
        platt = fit_platt(select.y, dev_logits)
        config.calibration = {lab: platt[j] for j, lab in enumerate(LABELS)}
        clf = ToneClassifier(net, tokenizer, config)
        dev_p = clf.calibrate(dev_logits)
        thr = tune_thresholds(select.y, dev_p, beta)
        config.thresholds = {lab: float(thr[j]) for j, lab in enumerate(LABELS)}
        clf.thresholds = thr
        test_p = clf.calibrate(clf.logits(test.inputs))
        config.evaluation = evaluate_arrays(test.y, test_p, thr, LABELS, test.langs, test.hard)
        config.evaluation["split"] = "test"
        if natural is not None:
            config.evaluations = {"natural_test": evaluate_natural(clf, natural["test"].rows)}
        sel_name = f"{a.natural_data}/dev.jsonl" if natural else "the dev split"
        rule = (f"F-beta with beta {a.threshold_beta} (precision first)"
                if a.threshold_rule == "precision" else "F1")
        config.training = {
            "command": a.command or "toneguard train",
            "data": data_desc + f" (train {len(splits['train'])}, dev {len(splits['dev'])}, "
                    f"test {len(splits['test'])} messages; {len(train.inputs)} training inputs "
                    "with time counterfactuals and extra data)",
            "extra_data": extra_desc or "none",
            "calibration_and_thresholds": (
                f"Platt scaling per label fitted on {sel_name}; per label the threshold that "
                f"maximises {rule} on {sel_name} (the middle of the best plateau); the same "
                "set picked the epoch"),
            **({"init_from": a.init_from} if a.init_from else {}),
            "distillation": distill_desc,
            **({"stored_weights": "fp16 (a student's delta is whole layers); calibrated and "
                                  "evaluated on the stored weights"}
               if a.method == "student" else {}),
            "hyperparameters": {k: v for k, v in a.to_dict().items()
                                if k not in ("command", "data", "output_dir")},
            "timing": {"device": str(self.device), "threads": torch.get_num_threads(),
                       "epoch_seconds": [round(s, 1) for s in epoch_secs],
                       "total_seconds": round(time.time() - t_start, 1),
                       "best_epoch": best_epoch, "history": history},
        }
        net.cpu()
        out = Path(a.output_dir)
        clf.save_pretrained(out, delta={k: v.cpu() for k, v in best_delta.items()},
                            base_dir=base if bundle else None)
        logger.info("saved %s (dev macro-F1 %.4f, test macro-F1 %.4f)", out, best_f1,
                    config.evaluation["macro_f1"])
        return out
