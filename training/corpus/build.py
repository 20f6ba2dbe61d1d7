"""Build data/corpus/{train,dev,test}.jsonl from the packs in data/packs/, deterministically.

Every message is composed from pool sentences and its labels are derived from those pools
(see data/GUIDELINES.md): aggression, threat and unreasonable_demand from their own pools;
off_hours_pressure from `night_complaint` always and from `pressure` only when `sent_at` falls
outside business hours; quoted earlier messages never add labels. Train and dev come from the
packs' `train` pools, test only from their `test` pools, and test items too close to any
train/dev item are regenerated or dropped. The floors of issue 3 are checked at the end.

Run: python -m training.corpus.build [--seed N] [--out DIR] [--allow-partial]
"""

from __future__ import annotations

import json
import logging
import random
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from classifier.paths import DATA_ROOT
from classifier.scripts import run_command
from classifier.types import LABELS
from training.corpus.compose import fill, render_chat, render_email
from training.corpus.floors import check_floors
from training.corpus.holidays import is_business_time
from training.corpus.packs import PACK_LANGS
from training.corpus.packs.base import LanguagePack, PackFormatError, Pools, read_pack
from training.corpus.similarity import max_similarity
from training.corpus.timestamps import is_night, sample_sent_at

log = logging.getLogger(__name__)

DEFAULT_OUT = DATA_ROOT / "corpus"
DEFAULT_PACKS_DIR = DATA_ROOT / "packs"  # <lang>.json, format in its README.md
SPLITS = ("train", "dev", "test")

TARGETS: dict[str, int] = {"en": 2500, "ru": 2500, "de": 240, "es": 240, "fr": 240, "uk": 240,
                           "pl": 240}
TEST_SHARE = 0.17
DEV_SHARE = 0.15
CROSS_SPLIT_MAX = 0.7

A, T, U, OH = LABELS  # aggression, threat, unreasonable_demand, off_hours_pressure
COMBOS: list[tuple[tuple[str, ...], int]] = [
    ((A,), 10), ((T,), 10), ((U,), 10), ((OH,), 10),
    ((A, T), 7), ((A, U), 7), ((A, OH), 7), ((T, U), 7), ((T, OH), 7), ((U, OH), 7),
    ((A, T, U), 4), ((A, T, OH), 4), ((A, U, OH), 4), ((T, U, OH), 4), ((A, T, U, OH), 1),
]
HARD_NEGATIVES: dict[str, int] = {
    "civil_complaint": 14, "idiom": 12, "quoted_aggression": 12, "security_report": 10,
    "legal_question": 10, "cancellation": 10, "calm_night": 12, "business_hours_urgency": 12,
    "reasonable_request": 10,
}
KINDS = {"positive": 52, "hard_negative": 31, "plain": 17}


def derive_labels(pools: Iterable[str], sent_at: datetime, lang: str | None = None) -> list[str]:
    """Labels of a message from the pools its own (unquoted) sentences came from."""
    used = set(pools)
    labels = {lab for lab in (A, T, U) if lab in used}
    if "night_complaint" in used or ("pressure" in used and not is_business_time(sent_at, lang)):
        labels.add(OH)
    return [lab for lab in LABELS if lab in labels]


class Composer:
    """Draws sentences from one pack's pools (one split family) and composes records."""

    def __init__(self, pack: LanguagePack, family: str, seed: int) -> None:
        self.pack = pack
        self.pools: Pools = getattr(pack, family)
        self.rng = random.Random(f"{seed}-{pack.lang}-{family}")
        self._decks: dict[str, list[str]] = {}
        self._used: list[str] = []

    def draw(self, pool: str, quoted: bool = False) -> str:
        """Cycle through a shuffled pool so every sentence gets used before any repeats.

        Pools drawn for the sender's own text are remembered: labels are derived from them."""
        if not quoted:
            self._used.append(pool)
        deck = self._decks.get(pool)
        if not deck:
            deck = list(getattr(self.pools, pool))
            if not deck:
                raise ValueError(f"{self.pack.lang}: pool {pool!r} is empty")
            self.rng.shuffle(deck)
            self._decks[pool] = deck
        return deck.pop()

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _context(self, channel: str) -> tuple[str | None, list[str]]:
        contexts = {k: v for k, v in self.pack.contexts.items() if v}
        if not contexts or self.rng.random() > (0.85 if channel == "email" else 0.25):
            return None, []
        domain = self.rng.choice(sorted(contexts))
        return domain, [self.rng.choice(contexts[domain])]

    def _extras(self, sentences: list[str], chances: dict[str, float]) -> None:
        for pool, chance in chances.items():
            if self.rng.random() < chance:
                sentences.insert(self.rng.randrange(len(sentences) + 1), self.draw(pool))

    def _positive(self) -> tuple[list[str], set[str], str, list[str]]:
        labels = set(self.rng.choices([c[0] for c in COMBOS], weights=[c[1] for c in COMBOS])[0])
        core: list[str] = []
        when = "any"
        if A in labels:
            core += [self.draw("aggression") for _ in range(1 + (self.rng.random() < 0.25))]
        if T in labels:
            core.append(self.draw("threat"))
        if U in labels:
            core.append(self.draw("unreasonable_demand"))
        self.rng.shuffle(core)
        if OH in labels:
            roll = self.rng.random()
            if roll < 0.45:
                core.append(self.draw("night_complaint"))
            else:
                core.append(self.draw("pressure"))
                when = "off"
                if roll > 0.85:
                    core.insert(0, self.draw("night_complaint"))
        elif self.rng.random() < 0.15:
            core.append(self.draw("pressure"))
            when = "business"
        self._extras(core, {"neutral": 0.3, "civil_complaint": 0.12, "reasonable_request": 0.08})
        return core, labels, when, []

    def _hard_negative(self, category: str) -> tuple[list[str], str, list[str]]:
        body: list[str] = []
        when, quoted = "any", []
        if category == "calm_night":
            body = [self.draw(self.rng.choice(["neutral", "reasonable_request", "legal_question"]))]
            when = "night"
            self._extras(body, {"neutral": 0.4})
        elif category == "business_hours_urgency":
            body = [self.draw("pressure")]
            when = "business"
            self._extras(body, {"reasonable_request": 0.4, "neutral": 0.3})
        elif category == "quoted_aggression":
            body = [self.draw(self.rng.choice(["neutral", "reasonable_request", "cancellation",
                                               "civil_complaint"]))]
            self._extras(body, {"neutral": 0.3})
            quoted = [self.draw(self.rng.choice(["aggression", "threat", "unreasonable_demand"]),
                                quoted=True)
                      for _ in range(self.rng.randrange(1, 4))]
            self.rng.shuffle(quoted)
        else:
            body = [self.draw(category)]
            self._extras(body, {category: 0.2, "neutral": 0.35})
            if category in ("civil_complaint", "cancellation"):
                self._extras(body, {"reasonable_request": 0.2})
        return body, when, quoted

    def make(self) -> dict[str, Any]:
        rng = self.rng
        self._used = []
        kind = self._pick(KINDS)
        hard: str | None = None
        labels: set[str] = set()
        quoted: list[str] = []
        if kind == "positive":
            body, labels, when, _ = self._positive()
        elif kind == "hard_negative":
            hard = self._pick(HARD_NEGATIVES)
            body, when, quoted = self._hard_negative(hard)
        else:
            body = [self.draw("neutral")]
            self._extras(body, {"neutral": 0.4, "reasonable_request": 0.2})
            when = "any"
        channel = "email" if hard == "quoted_aggression" or rng.random() < 0.5 else "chat"
        sent = sample_sent_at(rng, self.pack.lang, when)
        domain, context = self._context(channel)
        body = [fill(s, self.pack, rng) for s in context + body]
        if channel == "email":
            if A in labels and rng.random() < 0.12:
                body = [s.upper() if rng.random() < 0.5 else s for s in body]
            if not quoted and rng.random() < 0.2:
                quoted = [self.draw(rng.choice(["neutral", "reasonable_request"]), quoted=True)]
            text = render_email(self.pack, rng, body, sent, quoted or None, rng.random() < 0.18)
        else:
            upset = bool(labels) or hard == "civil_complaint"
            text = render_chat(self.pack, rng, body, upset, A in labels and rng.random() < 0.25)
        if kind == "plain" and is_night(sent):
            hard = "calm_night"
        derived = derive_labels(self._used, sent, self.pack.lang)
        if set(derived) != labels:  # the plan and the rule must agree, or the build is wrong
            raise AssertionError(f"planned {sorted(labels)} but derived {derived}")
        return {
            "text": text.strip(),
            "labels": derived,
            "lang": self.pack.lang,
            "channel": channel,
            "sent_at": sent.isoformat(),
            "hard_negative": hard,
            "domain": domain,
        }


def load_packs(langs: tuple[str, ...] = PACK_LANGS,
               folder: Path = DEFAULT_PACKS_DIR) -> dict[str, LanguagePack]:
    """Read `folder/<lang>.json` for each language; a missing file is skipped with a warning.

    A malformed file, or one with a missing or ill-typed field, raises PackFormatError naming
    the file and the field."""
    packs: dict[str, LanguagePack] = {}
    for lang in langs:
        path = folder / f"{lang}.json"
        if not path.is_file():
            log.warning("language pack %r is missing (%s); skipped", lang, path)
            continue
        pack = read_pack(path)
        if pack.lang != lang:
            raise PackFormatError(f"{path}: field 'lang': {pack.lang!r} does not match the "
                                  f"file name ({lang!r})")
        packs[lang] = pack
    return packs


def _unique(composer: Composer, seen: set[str]) -> dict[str, Any]:
    for _ in range(50):
        record = composer.make()
        key = " ".join(record["text"].lower().split())
        if key not in seen:
            seen.add(key)
            return record
    raise RuntimeError(f"{composer.pack.lang}: cannot compose a new unique text; pools too small")


def build(packs: dict[str, LanguagePack], seed: int = 13) -> dict[str, list[dict[str, Any]]]:
    splits: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    testers: dict[str, Composer] = {}
    for lang, pack in packs.items():
        total = TARGETS.get(lang, 240)
        n_test = round(total * TEST_SHARE)
        trainer = Composer(pack, "train", seed)
        family = [_unique(trainer, seen) for _ in range(total - n_test)]
        n_dev = round(len(family) * DEV_SHARE)
        splits["dev"] += family[:n_dev]
        splits["train"] += family[n_dev:]
        testers[lang] = Composer(pack, "test", seed)
        splits["test"] += [_unique(testers[lang], seen) for _ in range(n_test)]
    _separate_test(splits, testers, seen)
    for name, records in splits.items():
        random.Random(f"{seed}-{name}").shuffle(records)
        for i, record in enumerate(records):
            record["id"] = f"{name}-{record['lang']}-{i:05d}"
    return splits


def _separate_test(splits: dict[str, list[dict[str, Any]]], testers: dict[str, Composer],
                   seen: set[str]) -> None:
    """Regenerate (then drop) test items whose token Jaccard to any train/dev item is > 0.7."""
    others = [r["text"] for r in splits["train"] + splits["dev"]]
    test = splits["test"]
    for _ in range(8):
        sims = max_similarity([r["text"] for r in test], others)
        bad = [i for i, s in enumerate(sims) if s > CROSS_SPLIT_MAX]
        if not bad:
            return
        log.info("regenerating %d test items too close to train/dev", len(bad))
        for i in bad:
            test[i] = _unique(testers[test[i]["lang"]], seen)
    sims = max_similarity([r["text"] for r in test], others)
    splits["test"] = [r for r, s in zip(test, sims, strict=True) if s <= CROSS_SPLIT_MAX]
    log.warning("dropped %d test items too close to train/dev", len(test) - len(splits["test"]))


def write(splits: dict[str, list[dict[str, Any]]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, records in splits.items():
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for record in records:
                ordered = {"id": record["id"], **{k: v for k, v in record.items() if k != "id"}}
                fh.write(json.dumps(ordered, ensure_ascii=False) + "\n")


def cli(
    seed: Annotated[int, typer.Option()] = 13,
    out: Annotated[Path, typer.Option()] = DEFAULT_OUT,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial",
        help="write even when packs are missing or floors fail (development)")] = False,
) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    packs = load_packs()
    splits = build(packs, seed)
    problems = check_floors(splits)
    complete = set(packs) == set(PACK_LANGS)
    for problem in problems:
        log.error("floor not met: %s", problem)
    if (problems or not complete) and not allow_partial:
        log.error("corpus NOT written (%d floor failures, packs present: %s)", len(problems),
                  ",".join(packs))
        return 1
    write(splits, out)
    log.info("wrote %s", {k: len(v) for k, v in splits.items()})
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command(cli, argv, "python -m training.corpus.build", __doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
