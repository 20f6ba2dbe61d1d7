"""Batches for training and teacher passes: length-bucketed order, padded tensors."""

from __future__ import annotations

import random

import torch


def length_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches (little padding), in random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=lambda k: lengths[k])
        batches += [part[j : j + batch_size] for j in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(ids: list[list[int]], idx: list[int], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows `idx` of `ids` padded to the longest of them, with the attention mask."""
    width = max(len(ids[k]) for k in idx)
    t = torch.full((len(idx), width), pad, dtype=torch.long)
    m = torch.zeros((len(idx), width), dtype=torch.long)
    for r, k in enumerate(idx):
        t[r, : len(ids[k])] = torch.tensor(ids[k])
        m[r, : len(ids[k])] = 1
    return t, m


def sorted_batches(ids: list[list[int]], size: int = 64) -> list[list[int]]:
    """Row indices of `ids` shortest first, cut into batches of `size`: for passes without
    gradients (caching, teacher targets), where order does not matter but padding does."""
    order = sorted(range(len(ids)), key=lambda k: len(ids[k]))
    return [order[i : i + size] for i in range(0, len(order), size)]
