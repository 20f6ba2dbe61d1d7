"""Language packs: one module per language, each exposing ``PACK: LanguagePack``."""

PACK_LANGS: tuple[str, ...] = ("en", "ru", "de", "es", "fr", "uk", "pl")
