"""Look-alike characters folded to the Latin letter they imitate.

Unicode NFKC already folds full-width, math-alphabet and ligature forms; what it leaves are
letters of other scripts that *look* Latin (Cyrillic "а", Greek "ο", Armenian "օ"...). This table
is curated from Unicode's confusables data for the letters that matter in names and prompt
words; it is applied before case folding so upper-case forms (Greek "Η" looks like "H" while
its lower case "η" looks like "n") fold to what they look like.
"""

from __future__ import annotations

_UPPER = {
    # Cyrillic capitals
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K",
    "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y",
    "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I", "Ԁ": "D", "Ь": "B", "З": "3", "Ꙅ": "S",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Armenian, Cherokee and others that read as Latin capitals
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭼ": "E", "Ꮋ": "H", "Ꮶ": "K", "Ꮇ": "M", "Ꮲ": "P",
    "Ꮪ": "S", "Ꭲ": "T", "Ꮃ": "W", "Ꮓ": "Z", "Ս": "U", "Օ": "O",
}

_LOWER = {
    # Cyrillic small letters
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h",
    "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o",
    "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "у": "y", "ү": "y", "ԝ": "w",
    "х": "x", "ь": "b", "ɜ": "3", "з": "3", "ч": "4", "ѡ": "w", "ꙅ": "s",
    # Greek small letters
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "η": "n", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u", "χ": "x",
    "ω": "w", "μ": "u", "ϲ": "c", "ϳ": "j", "ϱ": "p",
    # Armenian
    "ա": "w", "հ": "h", "ո": "n", "ս": "u", "օ": "o", "ց": "g", "զ": "q", "ք": "p",
    "ւ": "l", "ռ": "n",
    # Latin extensions and IPA letters that NFKC leaves alone
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ɪ": "i", "ʏ": "y", "ɴ": "n",
    "ʀ": "r", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ø": "o", "đ": "d", "ħ": "h", "ł": "l",
    "ŀ": "l", "ƚ": "l", "ɫ": "l", "ƅ": "b", "ɓ": "b", "ɗ": "d", "ƒ": "f", "ɦ": "h",
    "ƙ": "k", "ɱ": "m", "ɲ": "n", "ƥ": "p", "ʠ": "q", "ɽ": "r", "ʂ": "s", "ƭ": "t",
    "ʋ": "v", "ⱳ": "w", "ƴ": "y", "ȥ": "z", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "p",
}

CONFUSABLES: dict[int, str] = {ord(k): v for k, v in {**_UPPER, **_LOWER}.items()}

# Leet / symbol substitutions, used only for prompt-policy words (never for @handles, where
# digits are real characters). Letters that look alike fold together: l and 1 and i all read
# as "i", so the policy term is folded the same way as the text.
LEET: dict[int, str] = {
    ord(k): v
    for k, v in {
        "0": "o", "1": "i", "!": "i", "|": "i", "l": "i", "3": "e", "4": "a", "@": "a",
        "5": "s", "$": "s", "7": "t", "+": "t", "8": "b", "9": "g", "€": "e", "¡": "i",
    }.items()
}

# For people's names: digits that stand in for letters ("T4ylor Sw1ft"), and l/1/i read alike.
# Punctuation is left alone so "@Obama" and "Obama!" keep their word boundaries.
NAME_DIGITS: dict[int, str] = {
    ord(k): v
    for k, v in {"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                 "9": "g"}.items()
}
