"""Find the line of a key in a TOML storyboard, so errors can name file, line and key.

tomllib reports positions only for syntax errors; for validation errors we scan the text once,
left to right, for table headers (`[[shot]]`, `[[audio]]`, `[x]`) and `key =` lines within each
table. The scan jumps over strings with `str.find` and never backtracks, so it is linear in the
text's length whatever the text holds (the regexes it replaced took minutes on a 6 KB script).
It also records the deepest nesting of arrays and inline tables, so a script nested too deeply
for the TOML parser can be refused with a line number.
"""

from __future__ import annotations

import bisect
import re

_SPACE = " \t\r"
# single character classes, matched at a given position: linear, they cannot backtrack
_SPACES = re.compile(r"[ \t\r]*")
_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_PLAIN = re.compile(r"[^\"'\[\]{}#\n]+")


class _Scanner:
    """One pass over TOML text; `keys`/`headers` are filled in as it goes."""

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.line_starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            self.line_starts.append(i + 1)
            i = find("\n", i + 1)
        self.keys: dict[tuple[str, int | None], dict[str, int]] = {("", None): {}}
        self.headers: dict[tuple[str, int | None], int] = {}
        self.max_depth = 0
        self.max_depth_line = 0

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    # --- small steps; each returns a position strictly after `pos` or `pos` unchanged ------
    def skip_space(self, pos: int) -> int:
        return _SPACES.match(self.text, pos).end()

    def end_of_line(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return self.n if end == -1 else end

    def skip_string(self, pos: int) -> int:
        """Past the string starting at `pos` (basic, literal or multi-line)."""
        text = self.text
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            end = self._find_close(pos + 3, quote * 3, escapes=quote == '"', one_line=False)
            end += 3
            extra = 0
            while extra < 2 and end < self.n and text[end] == quote:  # `""""` closes with a quote
                end, extra = end + 1, extra + 1
            return end
        end = self._find_close(pos + 1, quote, escapes=quote == '"', one_line=True)
        return end + 1

    def _find_close(self, pos: int, delim: str, escapes: bool, one_line: bool) -> int:
        text = self.text
        limit = self.end_of_line(pos) if one_line else self.n
        while True:
            end = text.find(delim, pos, limit)
            if end == -1:
                return limit  # unterminated (tomllib would have refused): stop at the limit
            if not escapes:
                return end
            back = end
            while back > pos and text[back - 1] == "\\":
                back -= 1
            if (end - back) % 2 == 0:
                return end
            pos = end + 1

    def skip_blank(self, pos: int) -> int:
        """Past spaces, newlines and comments."""
        text = self.text
        while pos < self.n:
            c = text[pos]
            if c in _SPACE or c == "\n":
                pos += 1
            elif c == "#":
                pos = self.end_of_line(pos)
            else:
                break
        return pos

    def read_key(self, pos: int, stop: str) -> tuple[list[str], int]:
        """A dotted key's parts, up to (not past) a character in `stop` or the line's end."""
        text = self.text
        parts: list[str] = []
        while True:
            pos = self.skip_space(pos)
            if pos >= self.n or text[pos] in stop or text[pos] == "\n":
                return parts, pos
            c = text[pos]
            if c in "\"'":
                end = self.skip_string(pos)
                parts.append(text[pos + 1 : max(pos + 1, end - 1)])
                pos = end
            elif bare := _BARE.match(text, pos):
                parts.append(bare.group())
                pos = bare.end()
            elif c == ".":
                pos += 1
            else:
                return parts, pos  # not a key (tomllib would have refused): give up on the line

    def skip_value(self, pos: int) -> int:
        """Past one value: a scalar, a string, or an array / inline table at any depth."""
        text = self.text
        depth = 0
        while pos < self.n:
            c = text[pos]
            if c in "\"'":
                pos = self.skip_string(pos)
            elif c in "[{":
                depth += 1
                if depth > self.max_depth:
                    self.max_depth, self.max_depth_line = depth, self.line(pos)
                pos += 1
            elif c in "]}":
                pos += 1
                depth -= 1
                if depth <= 0:
                    return pos
            elif c == "#":
                if depth == 0:
                    return pos
                pos = self.end_of_line(pos)
            elif c == "\n":
                if depth == 0:
                    return pos
                pos += 1
            else:
                pos = _PLAIN.match(text, pos).end()
        return pos

    @staticmethod
    def nested_name(parts: list[str], counts: dict[str, int]) -> str:
        """`shot.keyframe` under the third `[[shot]]` is the table `shot[2].keyframe`, so the
        keyframes of each shot are counted from 0 as pydantic numbers them."""
        if len(parts) > 1 and counts.get(parts[0]):
            return f"{parts[0]}[{counts[parts[0]] - 1}]." + ".".join(parts[1:])
        return ".".join(parts)

    # --- the statements -----------------------------------------------------------------
    def scan(self) -> None:
        text = self.text
        counts: dict[str, int] = {}
        current: tuple[str, int | None] = ("", None)
        pos = 0
        while True:
            pos = self.skip_blank(pos)
            if pos >= self.n:
                return
            start = pos
            if text[pos] == "[":
                array = text.startswith("[[", pos)
                parts, pos = self.read_key(pos + (2 if array else 1), "]")
                name = self.nested_name([p.strip() for p in parts], counts)
                if array:
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    current = (name, index)
                else:
                    current = (name, None)
                self.headers[current] = self.line(start)
                self.keys.setdefault(current, {})
            else:
                parts, pos = self.read_key(pos, "=")
                if parts and pos < self.n and text[pos] == "=":
                    self.keys.setdefault(current, {}).setdefault(parts[0], self.line(start))
                    pos = self.skip_value(self.skip_space(pos + 1))
            # whatever is left of the line (a comment, or text tomllib would have refused)
            pos = max(pos, start + 1)
            if pos < self.n and text[pos - 1] != "\n":
                pos = self.end_of_line(pos)


class KeyLocator:
    """Maps a field path like ('shot', 2, 'duration') to a 1-based line number."""

    def __init__(self, text: str):
        scanner = _Scanner(text)
        scanner.scan()
        # (table name, index among arrays of that name or None) -> {key: line}
        self._keys = scanner.keys
        self._headers = scanner.headers
        self.max_depth = scanner.max_depth  # deepest array / inline-table nesting in a value
        self.max_depth_line = scanner.max_depth_line

    def line_of(self, path: tuple) -> int | None:
        """Best line for a path: the key's own line, else its table's header."""
        if not path:
            return None
        if len(path) >= 4 and isinstance(path[1], int) and isinstance(path[3], int):
            # a table inside a table of an array: ('shot', 2, 'keyframe', 0, 'at')
            inner = (f"{path[0]}[{path[1]}].{path[2]}", path[3])
            line = self._keys.get(inner, {}).get(str(path[4])) if len(path) >= 5 else None
            if line or self._headers.get(inner):
                return line or self._headers[inner]
            path = path[:3]  # written inline (`keyframe = [{...}]`): the key's own line
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
