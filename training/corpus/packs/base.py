"""Dataclasses every language pack fills in (format agreed in notes/PACK_FORMAT.md).

Each sentence belongs to exactly one pool and carries only that pool's meaning,
which is what lets the builder derive labels from the pools it drew from.
"""

from dataclasses import dataclass, field


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


def split_lines(block: str) -> list[str]:
    """One template per non-empty line; a trailing backslash continues a long sentence."""
    return [line.strip() for line in block.strip().splitlines() if line.strip()]
