"""Size a webhook's text for storage and classification: limit what is read, not what arrives.

A reply in a long e-mail thread carries the whole quoted history (Chatwoot's ``content``
and Zammad's article body both do), which easily passes ``max_text_chars``. Helpdesks do
not retry a refused account webhook, so refusing it would lose the message. Instead:

* the text is stored whole up to ``webhook_max_stored_chars``; past that it is stored
  trimmed, with a note at its end saying how much arrived (``stored_trimmed``);
* the classifier sees the client's own text (what the e-mail clean-up keeps once quotes,
  signatures and disclaimers are removed); when even that is over ``max_text_chars``,
  only the text up to the point where the limit is reached is classified
  (``truncated``) and the rest is recorded as an ignored range of the stored message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from classifier.email_cleanup import clean_message
from service.ingest import IncomingMessage

logger = logging.getLogger(__name__)

TRIM_NOTE = ("\n\n[toneguard: stored trimmed; the first {kept} of {total} characters "
             "received are kept]")
# A cut closer than this to a space moves back to the space (no half words at the end).
_WORD_BACKOFF = 80


@dataclass(frozen=True)
class SizedMessage:
    """What to store, and how much of it to classify."""

    message: IncomingMessage  # text: as received, or trimmed with TRIM_NOTE at its end
    classify_end: int | None  # classify message.text[:classify_end]; None: all of it
    own_chars: int | None  # length of the client's own text, when it had to be measured
    truncated: bool  # the client's own text was over the limit and is classified in part
    stored_trimmed: bool  # the text was over the storage cap and is stored trimmed
    received_chars: int


def _trim_for_storage(text: str, cap: int) -> str:
    room = cap - len(TRIM_NOTE.format(kept=cap, total=len(text)))
    kept = text[:max(0, room)].rstrip()
    return kept + TRIM_NOTE.format(kept=len(kept), total=len(text))


def _word_cut(text: str, end: int) -> int:
    """``end`` moved back to just after a nearby whitespace, so no word is cut in half."""
    if end >= len(text) or text[end].isspace():
        return end
    for i in range(end - 1, max(0, end - _WORD_BACKOFF), -1):
        if text[i].isspace():
            return i + 1
    return end


def size_message(msg: IncomingMessage, classify_limit: int, store_limit: int) -> SizedMessage:
    """Trim ``msg`` for storage if needed and find how much of it the classifier reads."""
    received = len(msg.text)
    trimmed = received > store_limit
    if trimmed:
        msg = replace(msg, text=_trim_for_storage(msg.text, store_limit))
        logger.warning("message %s: %d characters received, stored trimmed to %d",
                       msg.message_id, received, len(msg.text))
    text = msg.text
    if len(text) <= classify_limit:
        return SizedMessage(msg, None, None, False, trimmed, received)
    cleaned = clean_message(text)
    own = len(cleaned.text)
    if own <= classify_limit:
        return SizedMessage(msg, None, own, False, trimmed, received)
    _, end = cleaned.to_original(0, classify_limit)
    end = _word_cut(text, end)
    logger.info("message %s: the client's own text has %d characters; only the first %d "
                "are classified (max_text_chars)", msg.message_id, own, classify_limit)
    return SizedMessage(msg, end, own, True, trimmed, received)
