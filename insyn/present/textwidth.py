"""How wide a label is drawn, so that a diagram can wrap its labels instead of cutting them.

SVG text does not wrap, and a static site cannot ask the browser how wide a string is.
So labels are measured here with the advance widths of DejaVu Sans, the fallback
sans-serif of Debian and many Linux desktops and one of the widest common sans-serif
faces (Segoe UI, San Francisco, Roboto and Noto Sans set the same text narrower), with
a margin on top: a label measured to fit fits in any of them. Characters not in the
tables count as the widest of them. Widths are in thousandths of the font size, read
from the fonts' `hmtx` tables.
"""

from __future__ import annotations

import functools

#: Room left for fonts a little wider than DejaVu Sans in places, and for rounding.
MARGIN = 1.04


def _table(groups: dict[int, str]) -> dict[str, int]:
    return {char: width for width, chars in groups.items() for char in chars}


REGULAR = _table(
    {
        275: "'",
        278: "ijlí",
        295: "IJ",
        318: " ,.’‘·",
        337: "/:;\\|",
        352: "f",
        361: "-",
        390: "()[]",
        392: "t",
        401: "!",
        411: "r",
        460: '"',
        500: "*_`–§°",
        518: "”“",
        521: "s",
        525: "z",
        531: "?",
        550: "cç",
        557: "L",
        575: "F",
        579: "k",
        592: "vxy",
        603: "P",
        611: "TY",
        612: "oöóø«»",
        613: "aåäàá",
        615: "eéè",
        632: "EÉ",
        634: "hnuüúñ",
        635: "Sbdgpq",
        636: "$0123456789{}€",
        656: "K",
        684: "AVÅÄ",
        685: "XZ",
        686: "B",
        695: "R",
        698: "C",
        732: "UÜ",
        748: "N",
        752: "H",
        770: "D",
        775: "G",
        780: "&",
        787: "OQÖØ",
        818: "w",
        838: "#+<=>^~×→",
        863: "M",
        950: "%",
        969: "½",
        974: "mÆ",
        982: "æ",
        989: "W",
        1000: "@—…",
    }
)
BOLD = _table(
    {
        306: "'",
        343: "ijlí",
        348: " ",
        365: "/\\|",
        372: "IJ",
        380: ",.’‘·",
        400: ":;",
        415: "-",
        435: "f",
        456: "!",
        457: "()[]",
        478: "t",
        493: "r",
        500: "_`–§°",
        521: '"',
        523: "*",
        580: "?",
        582: "z",
        593: "cç",
        595: "s",
        637: "L",
        645: "x",
        646: "«»",
        652: "vy",
        657: "”“",
        665: "k",
        675: "aåäàá",
        678: "eéè",
        682: "T",
        683: "EFÉ",
        687: "oöóø",
        696: "$0123456789€",
        712: "hnu{}üúñ",
        716: "bdgpq",
        720: "S",
        724: "Y",
        725: "Z",
        733: "P",
        734: "C",
        762: "B",
        770: "R",
        771: "X",
        774: "AVÅÄ",
        775: "K",
        812: "UÜ",
        821: "G",
        830: "D",
        837: "HN",
        838: "#+<=>^~×→",
        850: "OQÖØ",
        872: "&",
        924: "w",
        995: "M",
        1000: "@—…",
        1002: "%",
        1035: "½",
        1042: "m",
        1048: "æ",
        1085: "Æ",
        1103: "W",
    }
)

for _table_ in (REGULAR, BOLD):
    _table_["\u00a0"] = _table_[" "]  # the no-break space of amounts
_WIDEST = {id(REGULAR): max(REGULAR.values()), id(BOLD): max(BOLD.values())}


@functools.lru_cache(maxsize=65536)
def width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` at font size `size`, in the same units, never less than drawn."""
    table = BOLD if bold else REGULAR
    widest = _WIDEST[id(table)]
    return sum([table.get(char, widest) for char in text]) * size * MARGIN / 1000


ELLIPSIS = "\u2026"


@functools.lru_cache(maxsize=8192)
def wrap(text: str, room: float, size: float, max_lines: int) -> tuple[str, ...]:
    """`text` in lines of at most `room` wide, broken at spaces (a word wider than `room`
    is broken where it must), at most `max_lines` of them: the last line of a longer
    text ends in an ellipsis, and the full text belongs in a title or a table."""
    lines: list[str] = []
    line = ""
    for word in filter(None, text.split(" ")):  # not at no-break spaces
        candidate = f"{line} {word}" if line else word
        if width(candidate, size) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        while width(word, size) > room:  # a word longer than the line: break it
            cut = _fitting(word, room, size)
            lines.append(word[:cut] if word[cut - 1] == "-" else word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) <= max_lines:
        return tuple(lines)
    kept, last = lines[: max_lines - 1], lines[max_lines - 1]
    while last and width(last + ELLIPSIS, size) > room:
        last = last[:-1]
    return (*kept, last.rstrip(" ,") + ELLIPSIS)


def _fitting(word: str, room: float, size: float) -> int:
    """Where to break `word` to fit `room` with a hyphen: after a hyphen it has, if one
    fits, or else after as many characters as fit (at least one)."""
    cut = len(word)
    while cut > 1 and width(word[:cut] + "-", size) > room:
        cut -= 1
    hyphen = word.rfind("-", 0, cut)
    return hyphen + 1 if hyphen > 0 else cut
