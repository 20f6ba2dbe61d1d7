"""Reply templates: the on-disk format, loading and strict validation.

A playbook file that silently loads with a typo would suggest broken replies
to angry clients, so every field is checked and errors name the file and id.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.paths import REPLIES_DIR
from classifier.types import LABELS

logger = logging.getLogger(__name__)

STEPS: tuple[str, ...] = (
    "acknowledge",
    "listen",
    "apologise",
    "boundary_tone",
    "working_hours",
    "threat_procedure",
    "decline_offer",
    "late_payment",
    "part_ways",
)
RISK_LEVELS: tuple[str, ...] = ("ok", "watch", "difficult", "consider_parting")
# Every variable a template may use; each language file gives a default for each.
VARIABLES: tuple[str, ...] = (
    "client_name",
    "agent_name",
    "company",
    "business_hours",
    "response_time",
    "complaint_contact",
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
DEFAULT_DIR = REPLIES_DIR  # the shipped playbook; the service reads Settings.replies_dir
_LANG = re.compile(r"^[a-z]{2}$")
_TEMPLATE_KEYS = {"id", "lang", "step", "labels", "risk_levels", "text", "cues", "topics"}


class TemplateError(ValueError):
    """A playbook file breaks the format; the message says where and why."""


@dataclass(frozen=True)
class Template:
    id: str
    lang: str
    step: str
    labels: tuple[str, ...]
    risk_levels: tuple[str, ...]
    text: str
    # Short example client messages this reply answers; they sharpen the
    # semantic match, since a reply and the message it answers rarely share words.
    cues: tuple[str, ...] = ()
    # Offered only when the message is about one of these topics (see LanguageFrame.topics):
    # a payment reminder must never answer a product question.
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageFrame:
    """Per-language pieces wrapped around every body: greeting, sign-off, defaults."""

    lang: str
    greeting: str  # uses {client_name}
    greeting_no_name: str
    sign_off: str
    defaults: dict[str, str]
    weekdays: tuple[str, ...]  # Monday first, short forms
    closed: str  # e.g. "closed on public holidays"
    # Topic name -> patterns (case-insensitive regular expressions) that reveal it in a message.
    topics: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)

    def topics_of(self, text: str) -> set[str]:
        """The topics whose patterns occur in text."""
        return {name for name, pats in self.topics.items() if any(p.search(text) for p in pats)}


@dataclass
class Playbook:
    frames: dict[str, LanguageFrame] = field(default_factory=dict)
    templates: list[Template] = field(default_factory=list)

    def languages(self) -> list[str]:
        return sorted(self.frames)

    def for_lang(self, lang: str) -> list[Template]:
        return [t for t in self.templates if t.lang == lang]


def placeholders(text: str) -> list[str]:
    """Names inside {...} in text, in order."""
    return PLACEHOLDER.findall(text)


def _check_text(text: str, where: str) -> None:
    for name in placeholders(text):
        if name not in VARIABLES:
            raise TemplateError(
                f"{where}: unknown variable {{{name}}}; allowed: {', '.join(VARIABLES)}"
            )
    stripped = PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        raise TemplateError(f"{where}: unbalanced brace in text")


def _text(value: Any, where: str) -> str:
    """Text may be a string or a list of lines (easier to read in JSON)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where}: must be a non-empty string or list of strings")
    return value


def _str_list(value: Any, where: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateError(f"{where}: must be a list of strings")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                raise TemplateError(f"{where}: unknown value {v!r}; allowed: {', '.join(allowed)}")
    if len(set(value)) != len(value):
        raise TemplateError(f"{where}: duplicate values")
    return tuple(value)


def _parse_template(raw: Any, lang: str, where: str) -> Template:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: a template must be an object")
    tid = raw.get("id")
    if not isinstance(tid, str) or not tid:
        raise TemplateError(f"{where}: missing string 'id'")
    where = f"{where} ({tid})"
    extra = set(raw) - _TEMPLATE_KEYS
    if extra:
        raise TemplateError(f"{where}: unknown field(s) {sorted(extra)}")
    missing = {"lang", "step", "labels", "risk_levels", "text"} - set(raw)
    if missing:
        raise TemplateError(f"{where}: missing field(s) {sorted(missing)}")
    if raw["lang"] != lang:
        raise TemplateError(f"{where}: lang {raw['lang']!r} differs from the file's {lang!r}")
    if raw["step"] not in STEPS:
        raise TemplateError(
            f"{where}: unknown step {raw['step']!r}; allowed: {', '.join(STEPS)}"
        )
    labels = _str_list(raw["labels"], f"{where} labels", LABELS)
    risks = _str_list(raw["risk_levels"], f"{where} risk_levels", RISK_LEVELS)
    if not risks:
        raise TemplateError(f"{where}: risk_levels must not be empty")
    text = _text(raw["text"], f"{where} text")
    _check_text(text, where)
    cues = _str_list(raw.get("cues", []), f"{where} cues", None)
    topics = _str_list(raw.get("topics", []), f"{where} topics", None)
    return Template(tid, lang, raw["step"], labels, risks, text, cues, topics)


def _parse_topics(raw: Any, where: str) -> dict[str, tuple[re.Pattern[str], ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TemplateError(f"{where} topics: must map topic names to lists of patterns")
    out: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name, patterns in raw.items():
        items = _str_list(patterns, f"{where} topics.{name}", None)
        if not items:
            raise TemplateError(f"{where} topics.{name}: needs at least one pattern")
        try:
            out[name] = tuple(re.compile(p, re.IGNORECASE) for p in items)
        except re.error as exc:
            raise TemplateError(f"{where} topics.{name}: bad pattern: {exc}") from exc
    return out


def _parse_frame(raw: dict[str, Any], lang: str, where: str) -> LanguageFrame:
    defaults = raw.get("defaults")
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise TemplateError(f"{where}: 'defaults' must map variable names to strings")
    unknown = set(defaults) - set(VARIABLES)
    if unknown:
        raise TemplateError(f"{where}: defaults for unknown variable(s) {sorted(unknown)}")
    missing = set(VARIABLES) - set(defaults) - {"business_hours"}
    if missing:
        raise TemplateError(f"{where}: defaults missing for {sorted(missing)}")
    pieces = {}
    for key in ("greeting", "greeting_no_name", "sign_off", "closed"):
        pieces[key] = _text(raw.get(key), f"{where} {key}")
        _check_text(pieces[key], f"{where} {key}")
    if "client_name" in placeholders(pieces["greeting_no_name"]):
        raise TemplateError(f"{where}: greeting_no_name must not use {{client_name}}")
    weekdays = _str_list(raw.get("weekdays"), f"{where} weekdays", None)
    if len(weekdays) != 7:
        raise TemplateError(f"{where}: weekdays must list 7 names, Monday first")
    return LanguageFrame(
        lang,
        pieces["greeting"],
        pieces["greeting_no_name"],
        pieces["sign_off"],
        dict(defaults),
        weekdays,
        pieces["closed"],
        _parse_topics(raw.get("topics"), where),
    )


def load_file(path: Path) -> tuple[LanguageFrame, list[Template]]:
    """Parse one `<lang>.json` playbook file."""
    where = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{where}: cannot read JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: top level must be an object")
    lang = raw.get("lang")
    if not isinstance(lang, str) or not _LANG.match(lang) or lang != path.stem:
        raise TemplateError(f"{where}: 'lang' must be the two-letter code in the file name")
    frame = _parse_frame(raw, lang, where)
    items = raw.get("templates")
    if not isinstance(items, list) or not items:
        raise TemplateError(f"{where}: 'templates' must be a non-empty list")
    templates = [_parse_template(t, lang, f"{where} #{i}") for i, t in enumerate(items)]
    for t in templates:
        unknown = [name for name in t.topics if name not in frame.topics]
        if unknown:
            raise TemplateError(f"{where} ({t.id}): topic(s) {unknown} not defined in 'topics'")
        empty = [n for n in placeholders(t.text) if frame.defaults.get(n, "x") == ""]
        if empty:
            raise TemplateError(
                f"{where} ({t.id}): uses {empty} whose default is empty; keep those to sign_off"
            )
    return frame, templates


def load_playbook(directory: Path | None = None) -> Playbook:
    """Load and validate every `<lang>.json` in the directory (default: data/replies)."""
    directory = directory or DEFAULT_DIR
    files = sorted(directory.glob("*.json"))
    if not files:
        raise TemplateError(f"{directory}: no <lang>.json playbook files")
    book = Playbook()
    seen: set[str] = set()
    for path in files:
        frame, templates = load_file(path)
        for t in templates:
            if t.id in seen:
                raise TemplateError(f"{path}: duplicate template id {t.id!r}")
            seen.add(t.id)
        book.frames[frame.lang] = frame
        book.templates.extend(templates)
    if "en" not in book.frames:
        raise TemplateError(f"{directory}: English (en.json) is required as the fallback")
    logger.info("loaded %d reply templates in %s", len(book.templates), book.languages())
    return book
