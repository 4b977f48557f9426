"""Funding lines from the sentences that ask for or commit money.

Documents mention many sums: what the council applies for, what it pays
itself, and context ("109 miljoner kronor årligen", "drygt 21 mkr att
fördela"). Each amount is judged by the words around it — the stretch of
its sentence between the previous and the next amount — and only a request
(applied) or own financing (contributed) with a stated year becomes a line.
Everything else that looks like money for this decision is left as a TODO.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from insyn.importer.dates import YEAR
from insyn.importer.draft import Draft, FundingDraft
from insyn.importer.newcomers import find_bodies, find_known, propose, resolve
from insyn.importer.orgs import Directory, Organisation, name_key
from insyn.model.amounts import parse_amount

AMOUNT = re.compile(
    r"(?<![\d,.])(?:\d{1,3}(?:[ .]\d{3})+|\d+)(?:,\d+)?\s*"
    r"(?:kr\b|kronor\b|tkr\b|mkr\b|mnkr\b|miljoner(?:\s+kronor)?\b|miljon(?:\s+kronor)?\b|"
    r"milj\.?(?:\s*kr\b)?|tusen(?:\s+kr(?:onor)?)?\b)",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"att fördela|årligen|har avsatt|har fått|tidigare|delas mellan|fördelas mellan|"
    r"totalt uppgå|beräknas totalt|kostnaderna? för|totala kostnad|omsätt|invånare|"
    r"statsbidrag(?:et)? uppgår|regeringen|beräknas kosta|kostar totalt|\bkosta\b|"
    r"total(?:a)? (?:budget|kostnad)|omslutning",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"\b(?:drygt|cirka|ca\.?|ungefär|omkring|närmare|knappt|över|upp till|högst|minst)\s*$",
    re.IGNORECASE,
)
_APPLIED = re.compile(
    r"\b(?:an)?söker\b|\b(?:an)?söks\b|\bansökan\s+(?:avser|gäller|om|görs|på)\b|"
    r"\batt\s+(?:an)?söka\b|\bansöka\b|\bansökan\b|\bsökt(?:a)?\b|\bbegär\b",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(
    r"egen\s*finansiering|egenfinansiering|egen insats|egna medel|medfinansier\w*|"
    r"\banslår\b|\banslås\b|\bavsätts\b|\bavsätter\b|\bandel\b|\bbidrar med\b",
    re.IGNORECASE,
)
_GRANTED = re.compile(r"\bbevilja(?:t|ts|de|r)\b|\btilldela(?:t|ts|des)\b", re.IGNORECASE)
_YEAR_AFTER_WORD = re.compile(
    r"\b(?:för|under|helåret|budgetåret|verksamhetsåret|året|år|avseende|inom)\s+"
    r"(?P<year>(?:19[89]\d|20\d\d))\b",
    re.IGNORECASE,
)


_MORE_YEARS = re.compile(r"\s*(?:och|samt|,|–|-|till)\s*(?P<year>19[89]\d|20\d\d)\b")
_EACH_YEAR = re.compile(r"\bper år\b|\bom året\b|\bvarje år\b|\bper kalenderår\b", re.IGNORECASE)


def _years(text: str) -> set[int]:
    preferred = set()
    for match in _YEAR_AFTER_WORD.finditer(text):
        preferred.add(int(match.group("year")))
        more = _MORE_YEARS.match(text, match.end())  # "under 2014 och 2015"
        if more:
            preferred.add(int(more.group("year")))
    return preferred or {int(y) for y in YEAR.findall(AMOUNT.sub(" ", text))}


def _nearest(patterns: dict[str, re.Pattern[str]], text: str, at: int) -> str | None:
    """The status whose marker is closest to position `at` (preferring markers before it)."""
    best: tuple[int, str] | None = None
    for status, pattern in patterns.items():
        for match in pattern.finditer(text):
            distance = at - match.end() if match.end() <= at else 1000 + match.start() - at
            if best is None or distance < best[0]:
                best = (distance, status)
    return best[1] if best else None


def kronor(amount: int) -> str:
    """5630000 -> '5 630 000 kr', as the documents write it."""
    return f"{amount:,} kr".replace(",", " ")


def _short(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def read_funding(
    draft: Draft,
    sentences: Iterable[str],
    tables: list[list[list[str]]],
    directory: Directory,
    funders: list[Organisation],
) -> None:
    """Fill `draft.funding` and `draft.unsure_funding` from the document's sentences."""
    found: dict[tuple[str, str | None, int], FundingDraft] = {}
    markers = {"applied": _APPLIED, "contributed": _CONTRIBUTED, "granted": _GRANTED}
    read = list(sentences)
    for sentence in read:
        matches = list(AMOUNT.finditer(sentence))
        for number, match in enumerate(matches):
            amount = parse_amount(match.group(0))
            if amount is None:
                continue
            start = matches[number - 1].end() if number else 0
            end = matches[number + 1].start() if number + 1 < len(matches) else len(sentence)
            segment = sentence[start:end]
            at = match.start() - start
            if _APPROXIMATE.search(sentence[: match.start()]):
                continue
            status = None if _CONTEXT.search(segment) else _nearest(markers, segment, at)
            if status is None and not _CONTEXT.search(segment) and not _CONTEXT.search(sentence):
                status = _nearest(markers, sentence, match.start()) or "unknown"
            if status is None:
                continue
            if status in ("granted", "unknown"):
                what = "beviljat" if status == "granted" else "okänd roll"
                draft.todo(
                    "funding",
                    f"beloppet {kronor(amount)} ({what}) kunde inte tolkas säkert: "
                    f"”{_short(sentence)}”; lägg till en rad om det gäller detta beslut",
                )
                continue
            payer = _payer(status, segment, sentence, draft, directory, funders)
            key = (status, payer, amount)
            line = found.setdefault(key, FundingDraft(status, amount, payer))
            line.years |= _years(segment) or _years(sentence)
            line.sources.append(sentence)
    for (status, payer, amount), line in list(found.items()):
        named = [found[k] for k in found if k[0] == status and k[2] == amount and k[1]]
        if payer is None and named:
            # the same sum named again without its payer ("nämnden ansöker om 450 000 kr")
            named[0].sources.extend(line.sources)
            del found[(status, payer, amount)]
    for line in found.values():
        _settle(draft, line, tables)
    if not (draft.funding or draft.unsure_funding or draft.todos.get("funding")):
        sums = sum(len(AMOUNT.findall(sentence)) for sentence in read)
        cells = sum(
            1 for rows in tables for row in rows for cell in row if re.search(r"\d{3}", cell)
        )
        draft.todo(
            "funding",
            "ingen rad i texten nämner ett belopp i kronor; lägg till rader om ärendet "
            "gäller pengar"
            if not sums and not cells
            else f"beloppen i textens tabeller ({cells} celler) blev inga rader; lägg till de "
            "rader som gäller beslutet"
            if not sums
            else f"{sums} belopp i texten är lästa som bakgrund (inte som detta ärendes pengar); "
            "lägg till rader om något av dem gäller beslutet",
        )


#: Words that put a body in the payer's place: "ansöker hos X", "medel från X",
#: "X beviljar"; a body named otherwise (the applicant, a partner) is not the payer.
_PAYER_BEFORE = re.compile(r"\b(?:hos|från|av|ur|via|genom|till)\s+$", re.IGNORECASE)
_PAYER_AFTER = re.compile(
    r"^s?\s+(?:har\s+)?(?:beviljat|beviljar|beviljade|utlyst|utlyser|fördelar|finansierar)\b",
    re.IGNORECASE,
)


def _payer(
    status: str,
    segment: str,
    sentence: str,
    draft: Draft,
    directory: Directory,
    funders: list[Organisation],
) -> str | None:
    if status == "contributed":
        return draft.district or draft.addressee_id
    named = directory.mentioned(segment, "funder") or directory.mentioned(sentence, "funder")
    if named:
        return named[0].id
    for text in (segment, sentence):
        known = find_known(text, directory)
        if known is not None and known.type != "district":
            return known.id
        payer = _named_payer(text, draft, directory)
        if payer is not None:
            return payer
    return funders[0].id if len(funders) == 1 else None


def _named_payer(text: str, draft: Draft, directory: Directory) -> str | None:
    """A body in the payer's place in `text`: a known organisation's id, or a proposed one."""
    for position, name in find_bodies(text):
        before = text[max(0, position - 12) : position]
        after = text[position + len(name) : position + len(name) + 30]
        if not (_PAYER_BEFORE.search(before) or _PAYER_AFTER.match(after)):
            continue
        if draft.district_name and name_key(name) == name_key(draft.district_name):
            continue
        org = resolve(name, directory)
        if org is not None:
            if org.type == "district":
                continue
            return org.id
        for newcomer in draft.newcomers:
            if newcomer.name.casefold() == name.casefold():
                return newcomer.id
        proposed = propose(name, "funder", name)
        draft.newcomers.append(proposed)
        return proposed.id
    return None


def _settle(draft: Draft, line: FundingDraft, tables: list[list[list[str]]]) -> None:
    quoted = f"”{_short(line.sources[0])}”"
    what = "sökt" if line.status == "applied" else "egen finansiering"
    if line.payer is None:
        draft.unsure_funding.append(
            (
                f"vem som betalar {kronor(line.amount)} ({what}) framgår inte: {quoted}; ange from",
                line,
            )
        )
    elif len(line.years) > 1 and any(_EACH_YEAR.search(source) for source in line.sources):
        # "200 000 kronor per år under 2014 och 2015": the sum for each of the years
        for year in sorted(line.years):
            draft.funding.append(
                FundingDraft(
                    line.status,
                    line.amount,
                    line.payer,
                    {year},
                    line.sources,
                    note=f"{kronor(line.amount)} per år enligt dokumentet.",
                )
            )
    elif len(line.years) > 1:
        years = " och ".join(str(y) for y in sorted(line.years))
        draft.unsure_funding.append(
            (f"{kronor(line.amount)} ({what}) kan avse {years}: {quoted}; ange rätt år", line)
        )
    elif line.years:
        draft.funding.append(line)
    else:
        split = _split_by_budget_table(line, tables) if line.status == "applied" else []
        if split:
            draft.funding.extend(split)
        else:
            draft.unsure_funding.append(
                (f"året för {kronor(line.amount)} ({what}) anges inte i dokumentet: {quoted}; "
                 "ange year (budgetåret) och ta bort #", line)
            )  # fmt: skip


def _split_by_budget_table(line: FundingDraft, tables: list[list[list[str]]]) -> list[FundingDraft]:
    """The applied total spread over years by the table's 'Summa' row, when its sums agree."""
    for rows in tables:
        header = rows[0]
        year_columns = [i for i, cell in enumerate(header) if re.fullmatch(r"(?:19|20)\d\d", cell)]
        total = next(
            (r for r in rows[1:] if r and re.match(r"(?:summa|totalt?)\b", r[0], re.I)), None
        )
        if not year_columns or total is None:
            continue
        unit = _table_unit(rows)
        per_year = {
            int(header[i]): (parse_amount(total[i]) or 0) * unit
            for i in year_columns
            if i < len(total)
        }
        if sum(per_year.values()) != line.amount:
            continue
        return [
            FundingDraft(
                line.status,
                amount,
                line.payer,
                {year},
                line.sources,
                note=f"{year} enligt budgettabellen i dokumentet (totalt {kronor(line.amount)}).",
            )
            for year, amount in per_year.items()
            if amount > 0
        ]
    return []


def _table_unit(rows: list[list[str]]) -> int:
    """1000 for a table in tkr ("Belopp (tkr)", "tusen kronor"), a million in mkr, else 1."""
    labels = " ".join([*rows[0], *(row[0] for row in rows if row)]).casefold()
    if re.search(r"\btkr\b|tusen\s+kr|tusentals\s+kr|\bksek\b", labels):
        return 1000
    if re.search(r"\bmkr\b|\bmnkr\b|miljoner\s+kr", labels):
        return 1_000_000
    return 1
