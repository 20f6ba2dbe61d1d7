"""The language-pack format: the dataclasses a pack is read into, and the reader.

The packs themselves are data files, data/packs/<lang>.json (format: data/packs/README.md).
Each sentence belongs to exactly one pool and carries only that pool's meaning,
which is what lets the builder derive labels from the pools it drew from.
"""

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Pools:
    """Sentence pools for one split family. Entries are templates with optional {slot} fields
    (slot names are keys of LanguagePack.slots). Each sentence belongs to exactly one pool and
    carries ONLY that pool's meaning (a threat sentence does not also insult), so labels can be
    derived."""

    # insults, contempt, swearing at staff/business, humiliation, SHOUTING
    aggression: list[str]
    # coercive threats: court, lawyers, regulator/police, bad reviews, public shaming,
    # refusing to pay / chargeback, "or else" ultimatums
    threat: list[str]
    # free extra work, huge unwarranted discounts, 24/7 personal attention, staff's private
    # phone, impossible deadlines, bribes, fake documents, endless free redos
    unreasonable_demand: list[str]
    # demands for an answer/action RIGHT NOW ("answer me immediately!"); labelled
    # off_hours_pressure only when the message is sent outside business hours
    pressure: list[str]
    # complains nobody answered at night/weekend, or expects staff reachable at any hour;
    # labelled off_hours_pressure whenever sent
    night_complaint: list[str]
    # ordinary questions, requests, order details, thanks (no label)
    neutral: list[str]
    # angry but civil complaints (hard negative for aggression)
    civil_complaint: list[str]
    # violent/threatening-looking idioms that are not ("this price is killing me")
    idiom: list[str]
    # neutral legal/procedural questions (hard negative for threat)
    legal_question: list[str]
    # reporting phishing, fraud, a leaked password (hard negative for threat)
    security_report: list[str]
    # calmly announcing a cancellation / switching provider (hard negative for threat)
    cancellation: list[str]
    # normal requests, refund for a real defect, reasonable urgency in working hours
    # (hard negative for unreasonable_demand)
    reasonable_request: list[str]


@dataclass
class LanguagePack:
    # ISO 639-1
    lang: str
    # e.g. name, agent, company, product, order, amount, days, city, ... (use the same slot
    # names across packs where possible: name, agent, company, product, service, order,
    # amount, days, date, weekday, hour, city, plan)
    slots: dict[str, list[str]]
    # "Dear {agent}," / "Здравствуйте!"
    greetings_email: list[str]
    # "hi", "добрый вечер", "" allowed
    greetings_chat: list[str]
    # "Kind regards," ...
    closings_email: list[str]
    # multi-line allowed: "{name}\n{company}\nTel. +49 ..." (fake numbers)
    signatures: list[str]
    # legal/confidentiality footers
    disclaimers: list[str]
    # "On {date}, {name} wrote:" / "{date}, {name} писал(а):" /
    # Outlook blocks "From: ...\nSent: ...\nTo: ...\nSubject: ..."
    quote_headers: list[str]
    # business domain -> context sentences (shop, delivery, saas, agency, b2b, bank, telecom,
    # repairs, courses, restaurant, real_estate)
    contexts: dict[str, list[str]]
    # email subjects (not part of text; optional use)
    subjects: list[str]
    # train + dev are drawn from these
    train: Pools
    # WRITTEN SEPARATELY: different sentences, not paraphrases of train
    test: Pools
    # e.g. emoji, slang fillers, typo pairs
    chat_noise: dict[str, list[str]] = field(default_factory=dict)


class PackFormatError(ValueError):
    """A pack file that cannot be read into a LanguagePack; the message names file and field."""


def _check(value: Any, hint: Any, where: str, source: str) -> Any:
    """Check one JSON value against a dataclass field type; return it as that type."""
    def fail(problem: str) -> PackFormatError:
        return PackFormatError(f"{source}: field {where!r}: {problem}")

    if hint is str:
        if not isinstance(value, str):
            raise fail(f"expected a string, got {type(value).__name__}")
        return value
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _read_dataclass(value, hint, where, source)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        if not isinstance(value, list):
            raise fail(f"expected a list, got {type(value).__name__}")
        return [_check(v, args[0], f"{where}[{i}]", source) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise fail(f"expected an object, got {type(value).__name__}")
        return {k: _check(v, args[1], f"{where}.{k}", source) for k, v in value.items()}
    raise fail(f"unsupported field type {hint!r}")  # pragma: no cover - format bug, not data


def _read_dataclass(value: Any, cls: type, where: str, source: str) -> Any:
    prefix = f"{where}." if where else ""
    if not isinstance(value, dict):
        shown = f"field {where!r}" if where else "top level"
        raise PackFormatError(f"{source}: {shown}: expected an object, "
                              f"got {type(value).__name__}")
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    unknown = [k for k in value if k not in names]
    if unknown:
        raise PackFormatError(f"{source}: field {prefix + unknown[0]!r}: unknown field")
    kwargs: dict[str, Any] = {}
    for f in fields:
        if f.name not in value:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise PackFormatError(f"{source}: field {prefix + f.name!r}: missing")
            continue
        kwargs[f.name] = _check(value[f.name], hints[f.name], prefix + f.name, source)
    return cls(**kwargs)


def pack_from_dict(data: Any, source: str = "<pack>") -> LanguagePack:
    """Build a LanguagePack from parsed JSON, checking every field; errors name `source`."""
    pack: LanguagePack = _read_dataclass(data, LanguagePack, "", source)
    return pack


def read_pack(path: Path) -> LanguagePack:
    """Read one pack file (UTF-8 JSON); a malformed file raises PackFormatError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PackFormatError(f"{path}: not valid UTF-8 JSON: {exc}") from exc
    return pack_from_dict(data, str(path))
