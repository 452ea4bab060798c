"""How Squid splits a plain config line into words, and the table that keeps repeated words once.

A leaf module: the model (:class:`~squidcarp.conf.model.Directive` splits a line again when its
words were let go) and the lexer both use it.
"""

from __future__ import annotations

import re

W_SPACE = " \t\n\r"  # w_space: src/defines.h
PLAIN_WORD = re.compile(r"[^ \t\n\r]+")  # strtok(NULL, w_space): one word of a plain line


# How many distinct words a WordTable holds before it starts over (a few hundred KB at most).
WORD_TABLE_SIZE = 4096


class WordTable:
    """One string object for each word a config repeats.

    A config spells the same words on thousands of lines (``parent``, ``3128``, ``no-query``,
    ``dstdomain``, the directive names); the reader keeps the words of every line, and a short
    string costs more than 50 bytes. Words pass through this table, which hands back the copy it
    has already seen, so repeated words are stored once (see bench/scale_bench.py). It is
    bounded: when full it starts over, so words seen once (host names, ACL names) cannot grow
    it, while frequent words are back after a few lines. Sharing changes no value: only which
    equal string object a tuple holds.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def share(self, words: list[str]) -> tuple[str, ...]:
        seen = self._seen
        if len(seen) > WORD_TABLE_SIZE:
            seen.clear()
        return tuple(map(seen.setdefault, words, words))

    def word(self, word: str) -> str:
        seen = self._seen
        if len(seen) > WORD_TABLE_SIZE:
            seen.clear()
        return seen.setdefault(word, word)


def plain_words(text: str, start: int, table: WordTable | None = None) -> tuple[str, ...]:
    """The texts of ``LogicalLine.plain_tokens`` without making tokens (a C-speed split),
    through ``table`` when given (repeated words then share one string)."""
    words = PLAIN_WORD.findall(text, start)
    if "#" in text:
        for i, word in enumerate(words):
            if word[0] == "#":
                del words[i:]
                break
    return table.share(words) if table is not None else tuple(words)


def plain_word(text: str, start: int, index: int) -> str | None:
    """``plain_words(text, start)[index]`` for ``index >= 0``, without splitting the words after
    it; None past the last word."""
    for i, m in enumerate(PLAIN_WORD.finditer(text, start)):
        word = m.group()
        if word[0] == "#":  # a word starting with '#' ends the line, as in plain_words
            return None
        if i == index:
            return word
    return None
