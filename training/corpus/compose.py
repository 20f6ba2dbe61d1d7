"""Turning chosen sentences into messages that look like a real helpdesk inbox.

Emails get greetings, paragraphs, closings, signatures, disclaimers, quoted earlier chains and
HTML leftovers; chats get lower case, typos, emoji, slang and the odd CAPS outburst. None of this
changes the labels: those come from the pools the builder drew the sentences from.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from training.corpus.packs.base import LanguagePack

_SLOT = re.compile(r"\{(\w+)\}")
_DEFAULT_EMOJI_CALM = ["🙂", "🙏", "👍", "😊", "🤔", "😅", "👋", "✌️", "🙌", "😉"]
_DEFAULT_EMOJI_UPSET = ["😡", "🤬", "😤", "😠", "🙄", "😒", "💩", "🤦", "😑", "👎"]


def _default_slot(name: str, rng: random.Random) -> str:
    """Values for slots a pack does not define, so a template never crashes the build."""
    if name in ("order", "ticket", "invoice", "contract"):
        return str(rng.randrange(10_000, 9_999_999))
    if name in ("amount", "price", "sum"):
        return str(rng.choice([49, 99, 120, 250, 480, 990, 1500, 3200, 12000]))
    if name in ("days", "count", "number", "percent"):
        return str(rng.choice([2, 3, 5, 7, 10, 14, 30]))
    if name == "hour":
        return str(rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    if name == "date":
        return f"{rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}"
    return ""


def fill(template: str, pack: LanguagePack, rng: random.Random,
         extra: dict[str, str] | None = None) -> str:
    """Replace every {slot} with a value from `extra`, the pack's slots, or a default."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if extra and name in extra:
            return extra[name]
        values = pack.slots.get(name)
        return rng.choice(values) if values else _default_slot(name, rng)

    text = _SLOT.sub(repl, template)
    if "{" in text:  # slot values may themselves hold slots (e.g. a signature with {company})
        text = _SLOT.sub(repl, text)
    return text


# ---------------------------------------------------------------- chats


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _pairs(entries: list[str]) -> list[tuple[str, str]]:
    out = []
    for entry in entries:
        for sep in (">", "|", "->", "\t"):
            if sep in entry:
                right, wrong = entry.split(sep, 1)
                out.append((right.strip(), wrong.strip()))
                break
    return out


def chat_noise(text: str, pack: LanguagePack, rng: random.Random, upset: bool,
               shout: bool) -> str:
    """Make a chat line look typed on a phone in a hurry."""
    noise = pack.chat_noise
    if shout:
        text = text.upper()
    elif rng.random() < 0.65:
        text = text.lower()
    if rng.random() < 0.5:
        text = text.rstrip(".")
    words = text.split(" ")
    rate = rng.choice([0.0, 0.0, 0.03, 0.06, 0.1])
    text = " ".join(_typo(w, rng) if rng.random() < rate else w for w in words)
    for right, wrong in _pairs(noise.get("typos", [])):
        if right and rng.random() < 0.5:
            text = re.sub(rf"\b{re.escape(right)}\b", wrong, text, count=1)
    fillers = noise.get("fillers", []) + noise.get("slang", [])
    if fillers and rng.random() < 0.25:
        filler = rng.choice(fillers)
        text = f"{filler} {text}" if rng.random() < 0.5 else f"{text} {filler}"
    if rng.random() < 0.2 and text and text[-1] in "?!":
        text += text[-1] * rng.randrange(1, 4)
    if rng.random() < 0.35:
        upset_pool = noise.get("emoji_upset") or _DEFAULT_EMOJI_UPSET
        calm_pool = noise.get("emoji") or _DEFAULT_EMOJI_CALM
        pool = upset_pool if upset and rng.random() < 0.7 else calm_pool
        text += (" " if rng.random() < 0.7 else "") + rng.choice(pool) * rng.choice([1, 1, 2, 3])
    return text


def render_chat(pack: LanguagePack, rng: random.Random, body: list[str], upset: bool,
                shout: bool) -> str:
    greeting = rng.choice(pack.greetings_chat) if pack.greetings_chat and rng.random() < 0.4 else ""
    parts = [greeting.strip()] if greeting.strip() else []
    parts += body
    sep = rng.choice([" ", " ", "\n", ". "])
    text = sep.join(p.strip() for p in parts if p.strip())
    return chat_noise(fill(text, pack, rng), pack, rng, upset, shout)


# ---------------------------------------------------------------- emails


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    if len(sentences) <= 2 or rng.random() < 0.3:
        return " ".join(sentences)
    cut = rng.randrange(1, len(sentences))
    return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])


def _html_leftovers(text: str, rng: random.Random) -> str:
    """Residue of a badly converted HTML mail: entities, <br>, stray closing tags."""
    kind = rng.randrange(4)
    if kind == 0:
        text = text.replace("\n", "<br>\n")
    elif kind == 1:
        words = text.split(" ")
        text = " ".join(w + ("&nbsp;" if rng.random() < 0.08 else "") for w in words)
    elif kind == 2:
        text = "<div>" + text.replace("\n\n", "</div>\n<div>") + "</div>"
    else:
        text = text.replace("\n\n", "<br><br>\n").replace("&", "&amp;") + "\n</div></body>"
    return text


def _quote(pack: LanguagePack, rng: random.Random, quoted: list[str], sent_at: datetime) -> str:
    name = rng.choice(pack.slots.get("name", [""]))
    earlier = sent_at - timedelta(hours=rng.randrange(2, 96), minutes=rng.randrange(60))
    header = fill(rng.choice(pack.quote_headers), pack, rng, {
        "date": earlier.strftime(rng.choice(["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"])),
        "name": name,
    })
    body = _paragraphs(quoted, rng)
    if rng.random() < 0.7:
        body = "\n".join("> " + line if line else ">" for line in body.split("\n"))
    return header + "\n" + body


def render_email(pack: LanguagePack, rng: random.Random, body: list[str], sent_at: datetime,
                 quoted: list[str] | None = None, html: bool = False) -> str:
    name = rng.choice(pack.slots.get("name", [""]))
    extra = {"name": name}
    parts: list[str] = []
    if pack.greetings_email and rng.random() < 0.9:
        parts.append(fill(rng.choice(pack.greetings_email), pack, rng, extra))
    parts.append(fill(_paragraphs(body, rng), pack, rng, extra))
    sign = []
    if pack.closings_email and rng.random() < 0.8:
        sign.append(fill(rng.choice(pack.closings_email), pack, rng, extra))
    if pack.signatures and rng.random() < 0.7:
        sign.append(fill(rng.choice(pack.signatures), pack, rng, extra))
    elif sign:
        sign.append(name)
    if sign:
        parts.append("\n".join(sign))
    if pack.disclaimers and rng.random() < 0.15:
        parts.append(fill(rng.choice(pack.disclaimers), pack, rng, extra))
    if quoted and pack.quote_headers:
        parts.append(_quote(pack, rng, [fill(q, pack, rng) for q in quoted], sent_at))
    text = "\n\n".join(p for p in parts if p.strip())
    return _html_leftovers(text, rng) if html else text
