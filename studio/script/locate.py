"""Find the line of a key in a TOML storyboard, so errors can name file, line and key.

tomllib reports positions only for syntax errors; for validation errors we scan the text for
table headers (`[[shot]]`, `[[audio]]`, `[x]`) and `key =` lines within each table.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(\s*\.\s*[A-Za-z0-9_\-"']+)*\s*=""")


class KeyLocator:
    """Maps a field path like ('shot', 2, 'duration') to a 1-based line number."""

    def __init__(self, text: str):
        # (table name, index among arrays of that name or None) -> {key: line}
        self._keys: dict[tuple[str, int | None], dict[str, int]] = {("", None): {}}
        self._headers: dict[tuple[str, int | None], int] = {}
        counts: dict[str, int] = {}
        current: tuple[str, int | None] = ("", None)
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                    in_multiline = False
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip().strip("\"'")
                if header.group(1):
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    current = (name, index)
                else:
                    current = (name, None)
                self._headers[current] = number
                self._keys.setdefault(current, {})
                continue
            key = _KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                self._keys.setdefault(current, {}).setdefault(name, number)
                if line.count('"""') == 1 or line.count("'''") == 1:
                    in_multiline = True

    def line_of(self, path: tuple) -> int | None:
        """Best line for a path: the key's own line, else its table's header."""
        if not path:
            return None
        if len(path) >= 2 and isinstance(path[1], int):
            table = (str(path[0]), path[1])
            if len(path) >= 3:
                line = self._keys.get(table, {}).get(str(path[2]))
                if line:
                    return line
            return self._headers.get(table)
        line = self._keys[("", None)].get(str(path[0]))
        if line:
            return line
        return self._headers.get((str(path[0]), None)) or self._headers.get((str(path[0]), 0))
