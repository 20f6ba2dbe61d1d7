"""Fill a template's variables and wrap it in the language's greeting and sign-off.

Values come from the caller (client and agent names, which are user input) and
are substituted in one pass, so a name like "{company}" is never expanded again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from service.replies.schedule_text import Schedule, render_hours
from service.replies.templates import PLACEHOLDER, VARIABLES, LanguageFrame, Template

logger = logging.getLogger(__name__)
_MAX_VALUE = 200


def resolve_variables(
    frame: LanguageFrame,
    given: Mapping[str, str],
    schedule: Schedule | None = None,
    timezone: str | None = None,
) -> dict[str, str]:
    """Language defaults, overridden by the caller's non-empty values for known names.

    Business hours default to the tenant's schedule phrased in the reply's language.
    """
    values = dict(frame.defaults)
    values.setdefault("business_hours", render_hours(frame, schedule, timezone))
    for name, value in given.items():
        if name not in VARIABLES:
            logger.debug("ignoring unknown reply variable %r", name)
            continue
        cleaned = " ".join(str(value).split())[:_MAX_VALUE]
        if cleaned:
            values[name] = cleaned
    return values


def _fill_line(line: str, values: Mapping[str, str]) -> str | None:
    """Substitute one line; None when it held only variables that are all empty."""
    names = PLACEHOLDER.findall(line)
    filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), line)
    if names and not filled.strip(" ,.;:-–—") and all(not values.get(n) for n in names):
        return None
    return filled


def fill(text: str, values: Mapping[str, str]) -> str:
    lines = (_fill_line(line, values) for line in text.split("\n"))
    return "\n".join(line for line in lines if line is not None)


def render(
    template: Template,
    frame: LanguageFrame,
    given: Mapping[str, str],
    schedule: Schedule | None = None,
    timezone: str | None = None,
) -> str:
    """The full reply: greeting, body and sign-off with every variable filled."""
    values = resolve_variables(frame, given, schedule, timezone)
    has_name = bool(" ".join(str(given.get("client_name", "")).split()))
    greeting = frame.greeting if has_name else frame.greeting_no_name
    parts = [fill(greeting, values), fill(template.text, values), fill(frame.sign_off, values)]
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())
