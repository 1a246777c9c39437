"""Entity names as single tokens: 'Jens Stoltenberg' -> 'jens_stoltenberg' wherever the
name is written in a text, so that the vectorizer counts a name as one term.

Pure functions and one matcher class; no state beyond the names it was built with.
"""
from __future__ import annotations

import re
from itertools import accumulate
from typing import Iterable


def entity_token(name: str) -> str:
    """'Jens Stoltenberg' -> 'jens_stoltenberg' (one token for the vectorizer)."""
    return re.sub(r"\W+", "_", name.strip().lower()).strip("_")


_WORD = re.compile(r"\w+")
_WORD_SPLIT = re.compile(r"(\w+)")   # separators and words, alternately


class EntityJoiner:
    """Finds multi-word entity names in a text, case-insensitively and on word
    boundaries, the longest name first where names overlap ('New York Times' wins over
    'New York'), and replaces each by its single token. The names' words form a trie: at
    a word where a name may start (its first two words are a known pair), the walk down
    the trie finds every name whose words follow, then the longest one whose separators
    match is taken. Linear in the text, whatever the number of names (one regex
    alternation of 100,000 names is quadratic in practice; a list of the names under each
    first pair tried 20 names per start at 'U.S.' or 'University of')."""

    END = ""   # the trie key under which a node keeps the names that end there (no word is "")

    def __init__(self, names: Iterable[str]):
        self.trie: dict = {}
        self.pairs: set[tuple[str, str]] = set()
        self.singles: set[str] = set()
        for name in {n.strip() for n in names if n and len(n.split()) > 1}:
            low = name.lower()
            words = list(_WORD.finditer(low))
            if not words:
                continue
            toks = tuple(w.group() for w in words)
            gaps = tuple(low[a.end():b.start()] for a, b in zip(words, words[1:]))
            prefix, suffix = low[:words[0].start()], low[words[-1].end():]
            node = self.trie
            for tok in toks:
                node = node.setdefault(tok, {})
            node.setdefault(self.END, []).append(((-len(name), name), gaps, prefix, suffix))
            if len(toks) > 1:
                self.pairs.add(toks[:2])
            else:
                self.singles.add(toks[0])
        for ends in _walk(self.trie):   # in each node, the longest name first (ties by name)
            ends.sort(key=lambda e: e[0])

    def __bool__(self) -> bool:
        return bool(self.trie)

    def _candidates(self, low: list[str], i: int) -> list[tuple]:
        """(order key, n words, gaps, prefix, suffix) of every name whose words start at word i,
        the longest name first."""
        found, node = [], self.trie
        for j in range(i, len(low)):
            node = node.get(low[j])
            if node is None:
                break
            for key, gaps, prefix, suffix in node.get(self.END, ()):
                found.append((key, j - i + 1, gaps, prefix, suffix))
        found.sort(key=lambda f: f[0])
        return found

    def sub(self, text: str) -> str:
        """The text with every name replaced by its token."""
        lowtext = text.lower()
        if len(lowtext) != len(text):   # a character that lowercases to two: words found in text
            words = list(_WORD.finditer(text))
            low = [w.group().lower() for w in words]
            bounds = [b for w in words for b in w.span()]
        else:   # the words of the lowercased text, and their bounds from the lengths of the pieces
            pieces = _WORD_SPLIT.split(lowtext)
            low = pieces[1::2]
            bounds = list(accumulate(map(len, pieces)))   # word k: bounds[2k]..bounds[2k+1]
        # only where a name may start (its first two words): most words start no name
        pairs = self.pairs
        starts = [i for i, pair in enumerate(zip(low, low[1:])) if pair in pairs]
        if self.singles:   # names that are one \w+ run (rare)
            starts = sorted({*starts, *(i for i, w in enumerate(low) if w in self.singles)})
        out, last, nxt = [], 0, 0
        for i in starts:
            if i < nxt:   # inside the name just replaced
                continue
            hit = None
            for _, n, gaps, prefix, suffix in self._candidates(low, i):
                if any(lowtext[bounds[2 * (i + j) + 1]:bounds[2 * (i + j + 1)]] != gaps[j] for j in range(n - 1)):
                    continue
                first, stop = bounds[2 * i], bounds[2 * (i + n - 1) + 1]
                start, end = first - len(prefix), stop + len(suffix)
                if start < last or lowtext[start:first] != prefix or lowtext[stop:end] != suffix:
                    continue
                if (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")) or \
                        (end < len(text) and (text[end].isalnum() or text[end] == "_")):
                    continue
                hit = (start, end, n)
                break
            if hit is None:
                continue
            start, end, n = hit
            out += [text[last:start], entity_token(text[start:end])]
            last, nxt = end, i + n
        return "".join(out) + text[last:] if out else text


def _walk(node: dict):
    """The name lists of every node of a trie."""
    stack = [node]
    while stack:
        node = stack.pop()
        for key, child in node.items():
            if key == EntityJoiner.END:
                yield child
            else:
                stack.append(child)


