"""Language packs: the format (base.py) and the languages; the packs are data/packs/<lang>.json."""

PACK_LANGS: tuple[str, ...] = ("en", "ru", "de", "es", "fr", "uk", "pl")
