"""Line-level repairs and recognisers shared by the field and body extractors."""

from __future__ import annotations

import re

TERMINAL = (".", "!", "?", ":", ";")

#: Section headings of tjänsteutlåtanden; any other short line without final
#: punctuation followed by prose counts as a heading too (see `is_heading`).
KNOWN_HEADINGS = {
    "sammanfattning", "bakgrund", "ärendets beredning", "ärendet", "ansökan",
    "förvaltningens förslag", "förvaltningens synpunkter", "förvaltningens bedömning",
    "förvaltningens synpunkter och förslag", "mål", "målgrupp", "syfte", "utgångspunkter",
    "samarbete", "projektbeskrivning", "projektbeskrivning/genomförande", "genomförande",
    "ekonomi", "ekonomiska konsekvenser", "finansiering", "budget", "uppföljning",
    "utvärdering", "redovisning", "tidplan", "organisation", "beredning", "yttrande",
    "förslag till beslut", "förvaltningens förslag till beslut", "bilagor", "bilaga",
    # the tjänsteskrivelse of other municipalities and Stockholm's central offices
    "beslutsförslag", "beskrivning av ärendet", "ärendebeskrivning", "beslutsunderlag",
    "överväganden", "bedömning", "förvaltningens överväganden", "kontorets synpunkter",
    "stadsledningskontorets synpunkter", "skäl för beslut", "skäl för förslaget",
    "barnperspektiv", "barnkonsekvensanalys", "barnrättsperspektiv",
    "jämställdhetsperspektiv", "konsekvenser för jämställdhet", "juridiska konsekvenser",
    "konsekvenser", "miljökonsekvenser", "samverkan", "samråd", "inledning", "slutsats",
    "slutsatser", "förslag", "förslag till åtgärder", "riskanalys", "resultat",
    "expedieras", "beslutet skickas till", "beslut sänds till", "beslutet sänds till",
    "handlingar", "underlag", "remissvar",
    "ärendets handläggning", "kommunikation", "uppdraget", "uppdrag", "målgrupper",
    "aktiviteter", "insatser", "kostnader", "tidsplan", "finansiering och budget",
}  # fmt: skip
#: A numbered heading: "1. Bakgrund", "2.1 Syfte och mål"
NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+(?P<text>[A-ZÅÄÖ].{0,60})$")

_SUSPENDED = {"och", "eller", "samt", "till", "respektive", "resp"}
_NAME_WORD = re.compile(r"^(?:[A-ZÅÄÖÉÁÜØ][\wåäöéáüø'’.-]*|von|van|af|de|la|del|da)$")
_TITLE = re.compile(
    r"^(?:(?:t\.?\s?f\.?|tf|bitr\.?|biträdande|tillförordnad|ställföreträdande)\s+)?"
    r"[\wåäöÅÄÖéÉ-]*(?:direktör|chef|föreståndare|ansvarig|sekreterare|handläggare|"
    r"samordnare|strateg|utredare|controller|ekonom|ordförande|kommunalråd)"
    r"(?:\s+[\wåäöÅÄÖ-]+){0,3}$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-•–*▪·]|\d{1,2}[.)])\s+")


def join_lines(lines: list[str]) -> str:
    """Hard-wrapped lines as one paragraph, repairing words hyphenated across lines.

    'arbets-' + 'team' -> 'arbetsteam'; 'Hässelby-' + 'Vällingby' keeps its
    hyphen; 'Individ-' + 'och' keeps the suspended hyphen and its space.
    """
    parts: list[str] = []  # joined once at the end: growing one string is quadratic
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not parts:
            parts.append(line)
        elif re.search(r"[a-zåäöé]-$", parts[-1][-2:]) and line[:1].isalpha():
            first = re.match(r"[\wåäöé]+", line)
            word = first.group(0).casefold() if first else ""
            if word in _SUSPENDED:
                parts += [" ", line]
            elif line[0].islower():
                parts[-1] = parts[-1][:-1]
                parts.append(line)
            else:
                parts.append(line)
        else:
            parts += [" ", line]
    text = "".join(parts)
    return re.sub(r"[ \t]{2,}", " ", text)


#: Words a sentence cannot end on: a line that ends on one goes on after it.
DANGLING = {
    "och", "eller", "samt", "att", "som", "för", "till", "med", "av", "i", "på", "om", "en",
    "ett", "den", "det", "de", "från", "under", "inom", "mellan", "hos", "vid", "genom",
}  # fmt: skip


def dangles(text: str) -> bool:
    """'Jouren har funnits länge och': the line stops on a word no sentence ends on."""
    words = text.rstrip().rsplit(None, 1)
    return bool(words) and words[-1].casefold() in DANGLING


def ends_open(text: str) -> bool:
    """A line that stops mid-sentence: no final punctuation, or a dangling hyphen."""
    stripped = text.rstrip()
    return bool(stripped) and (stripped.endswith("-") or not stripped.endswith(TERMINAL))


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; '100.000 kronor' and 'bla. att' stay whole."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉ0-9”\"(])", text)
    return [p.strip() for p in parts if p.strip()]


def is_name_line(line: str) -> bool:
    """'Steinunn Á Håkansson', 'Elisabeth Dérantz': a person's name on a line of its own."""
    words = line.strip().split()
    if not 2 <= len(words) <= 5 or len(line) > 60 or re.search(r"\d|[,:;!?()]", line):
        return False
    return all(_NAME_WORD.match(word) for word in words) and words[-1][0].isupper()


def is_title_line(line: str) -> bool:
    """'stadsdelsdirektör', 'tf. stadsdelsdirektör', 'Avdelningschef'."""
    return bool(_TITLE.match(line.strip())) and len(line.strip()) <= 60


def strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def is_heading_text(line: str) -> bool:
    """A short line that can be a section heading: no final punctuation, digits or commas."""
    text = line.strip()
    if text.casefold() in KNOWN_HEADINGS:
        return True
    words = text.split()
    return (
        0 < len(words) <= 5
        and len(text) <= 50
        and text[0].isupper()
        and not re.search(r"[\d,;:.!?\t()”\"]", text)
        and not is_bullet(text)
        and not is_name_line(text)
        and not dangles(text)
    )
