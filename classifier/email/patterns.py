"""Line patterns that mark quoted replies, forwarded blocks, signatures and disclaimers.

Kept apart from the algorithm so adding a mail client or language is a one-line change.
Every pattern is matched against one stripped line (reply headers: up to three lines
joined by spaces, because clients wrap long headers).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

QUOTED = re.compile(r"^[ \t]*>")

# "-----Original Message-----", "---------- Forwarded message ---------", ...
SEPARATOR = re.compile(
    r"^[-_=*\s]{2,}\s*(?:original message|forwarded message|begin forwarded message"
    r"|исходное сообщение|пересылаемое сообщение|пересланное сообщение|переслано"
    r"|ursprüngliche nachricht|weitergeleitete nachricht|originalnachricht"
    r"|mensaje original|mensaje reenviado|message d'origine|message transféré"
    r"|wiadomość oryginalna|oryginalna wiadomość|вихідне повідомлення|оригінальне повідомлення)"
    r"\s*:?\s*[-_=*\s]*$",
    _I,
)
# Apple Mail forwards: "Begin forwarded message:" on its own line.
FORWARD_LINE = re.compile(r"^(?:begin forwarded message|начало переадресованного письма)\s*:$", _I)

# Outlook-style header blocks: a "From:" line followed closely by another header line.
HEADER_FROM = re.compile(r"^\**\s*(?:from|от|von|de|od|від)\s*:\**\s*\S", _I)
HEADER_OTHER = re.compile(
    r"^\**\s*(?:sent|date|to|cc|subject|отправлено|дата|кому|копия|тема|gesendet|datum|an"
    r"|betreff|enviado|fecha|para|asunto|envoyé|date|à|objet|wysłano|data|do|temat"
    r"|надіслано|тема|відправлено)\s*:",
    _I,
)
UNDERSCORES = re.compile(r"^_{8,}$")

# Reply headers. Each must also look like a header (a time, a year or an address), so a
# chat line like "Я вам уже писал:" is never taken for one.
REPLY_HEADER = re.compile(
    r"^(?:"
    r"on\b.{4,250}\bwrote\s*:"  # en
    r"|am\b.{4,250}\bschrieb\b.{0,120}:"  # de (name comes after "schrieb")
    r"|.{4,250}\bschrieb\s*:"  # de, alternative order
    r"|el\b.{4,250}\bescribió\s*:"  # es
    r"|le\b.{4,250}\ba\s+écrit\s*:"  # fr
    r"|.{4,250}\b(?:писал|написал|написала|пишет|писала|написав|пише)(?:\s*\(а\)|\s*\(ла\))?\s*:"
    r"|w\s+dniu\b.{4,250}\bnapisał(?:\(a\)|a)?\s*:"  # pl
    r"|.{0,250}<[^<>\s@]+@[^<>\s]+>\s*:"  # Gmail ru/uk, Yandex, Mail.ru: "…, Имя <a@b.ru>:"
    r")$",
    _I,
)
HEADER_EVIDENCE = re.compile(r"@|\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b")

# Signatures.
SIG_DASHES = re.compile(r"^--\s?$")
MOBILE_SIG = re.compile(
    r"^(?:sent from my\b.{1,40}|sent from (?:mail|outlook|yahoo|gmail)\b.{0,40}"
    r"|get outlook for \w+|отправлено (?:с|из)\b.{1,60}|с уважением, отправлено с\b.{1,40}"
    r"|von meinem\b.{1,40}\bgesendet|gesendet von\b.{1,40}|enviado desde mi\b.{1,40}"
    r"|envoyé de mon\b.{1,40}|wysłane z\b.{1,40}|надіслано з\b.{1,40})$",
    _I,
)
SIGN_OFF = re.compile(
    r"^(?:best regards|kind regards|warm regards|regards|best wishes|best|cheers|sincerely"
    r"|yours sincerely|yours faithfully|yours truly|respectfully|thanks|thank you|many thanks"
    r"|thanks in advance|с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего"
    r"|спасибо|заранее спасибо|благодарю|мир вам|mit freundlichen grüßen|mit freundlichen grüssen"
    r"|freundliche grüße|viele grüße|beste grüße|liebe grüße|schöne grüße|grüße|gruß|mfg|lg"
    r"|danke|vielen dank|saludos|saludos cordiales|un saludo|atentamente|cordialement"
    r"|bien à vous|pozdrawiam|z poważaniem|з повагою|дякую)[\s,.!]*$",
    _I,
)
# Sign-offs that are also ordinary words ("Thanks") only count with a name block after them.
SIGN_OFF_NEEDS_NAME = re.compile(
    r"^(?:thanks|thank you|many thanks|спасибо|благодарю|danke|vielen dank|дякую|best)[\s,.!]*$",
    _I,
)
MAX_SIGNATURE_LINES = 7
MAX_SIGNATURE_LINE = 90

DISCLAIMER = re.compile(
    r"confidentiality notice|^disclaimer\b|intended (?:solely |only )?for the (?:use of the )?"
    r"(?:individual|addressee|named recipient|person)|intended recipient"
    r"|received this (?:e-?mail|message|communication) in error"
    r"|(?:e-?mail|message)(?: and any (?:files|attachments)[\w ]*)? (?:is|are|may be|may contain)"
    r" (?:strictly )?(?:confidential|privileged)"
    r"|конфиденциальн\w* информаци|является конфиденциальн|предназначен\w* (?:исключительно|только)"
    r"|получили (?:это|данное) (?:сообщение|письмо) (?:по ошибке|ошибочно)"
    r"|vertrauliche (?:und/oder rechtlich geschützte )?informationen|nicht der richtige adressat"
    r"|irrtümlich erhalten|información confidencial|informations confidentielles",
    _I | re.MULTILINE,
)
