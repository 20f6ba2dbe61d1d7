"""Sentence/clause segmentation used for spans: offsets must point into the text as given."""

from __future__ import annotations

from classifier.spans import clauses, sentences


def test_sentences_cover_words_not_whitespace() -> None:
    text = "Добрый день!\n\nВы там совсем идиоты? Третий раз пишу.\n\nС уважением,\nИван"
    got = [text[a:b] for a, b in sentences(text)]
    assert got == ["Добрый день!", "Вы там совсем идиоты?", "Третий раз пишу.", "С уважением,",
                   "Иван"]


def test_clauses_split_greeting_from_insult() -> None:
    text = "Hi team, you are useless morons. Thanks"
    first = sentences(text)[0]
    assert [text[a:b] for a, b in clauses(text, first)] == ["Hi team,", "you are useless morons."]


def test_no_wordless_segments() -> None:
    assert sentences("!!! ... ???") == []
    assert sentences("") == []
