"""Regenerate name_lookalikes.txt (a maintainer's tool; the app never imports it).

    pip install wordfreq==3.1.1 && python resources/policy/make_name_lookalikes.py

Lists every common English word (wordfreq Zipf frequency >= 1.5) that is one edit away from
a word of 5+ letters in a multi-word public-figure name, with the same first letter: the
near-miss matcher must not read "Tom hands", "Emma stole" or "tiger wood" as a name.
"""

from __future__ import annotations

import re
from pathlib import Path

from wordfreq import iter_wordlist, zipf_frequency

from studio.cameo.figures import figures_path
from studio.policy.names import MIN_FUZZY_LETTERS, name_groups, one_edit

HERE = Path(__file__).resolve().parent
MIN_ZIPF = 1.5


def main() -> None:
    names: set[str] = set()
    for line in figures_path().read_text(encoding="utf-8").splitlines():
        for name in line.split("#", 1)[0].split("|"):
            groups = name_groups(name)
            if len(groups) >= 2:
                names.update(t for g in groups for t in g if len(t) >= MIN_FUZZY_LETTERS)
    found = set()
    for i, word in enumerate(iter_wordlist("en")):
        if i > 200_000:
            break
        if not re.fullmatch(r"[a-z]+", word) or zipf_frequency(word, "en") < MIN_ZIPF:
            continue
        folded = name_groups(word)[0][0] if name_groups(word) else ""
        if folded in names:
            continue
        if any(folded != n + "s" and one_edit(folded, n) for n in names):
            found.add(word)
    head = (
        "# Ordinary words one edit away from a public figure's name (see make_name_lookalikes.py):\n"
        "# a near-miss spelling never counts when it is one of these.\n"
    )
    (HERE / "name_lookalikes.txt").write_text(head + "\n".join(sorted(found)) + "\n")
    print(len(found), "words")


if __name__ == "__main__":
    main()
