"""A synthetic corpus for benchmarks: N decisions and N/5 projects in the contract format.

SYNTHETIC CONTENT: every name, amount and text here is generated from a seed
and describes nothing real. Same N and seed -> byte-identical files.

    python -m tests.bench.corpus 1000 /tmp/corpus-1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

AREAS = ["Västerort", "Söderort", "Innerstaden"]
WORDS = (  # noqa: SIM905 (one readable string of words)
    "stöd samverkan våld nära relationer kvinnor barn män socialtjänst insats projekt "
    "utveckling metod utbildning samordning uppföljning trygghet familj skydd boende "
    "samtal grupp team förvaltning nämnd ansökan medel budget verksamhet målgrupp "
    "rutiner kompetens nätverk polis åklagare landsting förebyggande arbete resultat"
).split()
HEADINGS = ["Sammanfattning", "Bakgrund", "Ärendets beredning", "Ärendet", "Förvaltningens förslag"]
KINDS = ["application", "co-financing", "report", "other"]
STATUSES = ["applied", "granted", "rejected", "contributed"]


def organisations() -> list[dict[str, object]]:
    orgs: list[dict[str, object]] = []
    for i in range(15):
        orgs.append(
            {
                "id": f"stadsdel-{i:02d}",
                "name": f"Syntetisk stadsdel {i:02d} stadsdelsnämnd",
                "short_name": f"Syntetisk stadsdel {i:02d}",
                "type": "district",
                "area": AREAS[i % 3],
            }
        )
    for i in range(8):
        orgs.append({"id": f"finansiar-{i}", "name": f"Syntetisk finansiär {i}", "type": "funder"})
    for i in range(20):
        orgs.append(
            {
                "id": f"organisation-{i:02d}",
                "name": f"Syntetisk organisation {i:02d}",
                "type": "organisation",
                "category": "förening",
            }
        )
    return orgs


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random) -> str:
    """300-600 words under headings, with a list and sometimes a table."""
    target = rng.randint(300, 600)
    parts: list[str] = []
    written = 0
    for heading in HEADINGS:
        if written >= target:
            break
        parts.append(f"## {heading}\n")
        for _ in range(rng.randint(1, 3)):
            n = rng.randint(30, 70)
            parts.append(paragraph(rng, n) + "\n")
            written += n
        if rng.random() < 0.4:
            parts += [f"- {paragraph(rng, 6)}" for _ in range(3)] + [""]
            written += 18
    if rng.random() < 0.3:
        parts += ["| Post | År | Belopp |", "|---|---|---|"]
        parts += [
            f"| {rng.choice(WORDS)} | {2010 + i} | {rng.randint(1, 90) * 10000} |" for i in range(3)
        ]
        parts.append("")
    return "\n".join(parts)


def front(data: dict[str, object], text: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + text


def generate(n: int, root: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    (root / "data").mkdir(parents=True, exist_ok=True)
    decisions = root / "content" / "decisions"
    projects = root / "content" / "projects"
    decisions.mkdir(parents=True, exist_ok=True)
    projects.mkdir(parents=True, exist_ok=True)
    orgs = organisations()
    (root / "data" / "organisations.yaml").write_text(
        yaml.safe_dump(orgs, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (root / "data" / "site.yaml").write_text(
        yaml.safe_dump(
            {
                "title": "Syntetisk Insyn",
                "base_url": "https://bench.example.se",
                "description": "Syntetiskt innehåll för prestandamätning.",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    districts = [o["id"] for o in orgs if o["type"] == "district"]
    funders = [o["id"] for o in orgs if o["type"] == "funder"]
    others = [o["id"] for o in orgs if o["type"] == "organisation"]
    project_ids = [f"projekt-{i:06d}" for i in range(max(1, n // 5))]
    for pid in project_ids:
        start = rng.randint(2005, 2023)
        end = start + rng.randint(0, 2)
        data = {
            "name": f"Syntetiskt projekt {pid[8:]}",
            "owner": rng.choice(districts + others[:5]),
            "partners": rng.sample(others, 2),
            "start": start,
            "end": end,
            # Every planned period has passed (the latest ends in 2025): such a project is
            # done, or its status is not known (`check` warns of one still planned).
            "status": rng.choice(["completed", "unknown"]),
            "budget": [{"item": "Förstudie", "year": 2004, "amount": rng.randint(1, 50) * 10000}],
        }
        (projects / f"{pid}.md").write_text(
            front(data, paragraph(rng, 60) + "\n"), encoding="utf-8"
        )
    for i in range(n):
        year = rng.randint(2005, 2025)
        district = rng.choice(districts)
        project = rng.choice(project_ids)
        lines = []
        for _ in range(rng.randint(1, 3)):
            status = rng.choice(STATUSES)
            lines.append(
                {
                    "from": district if status == "contributed" else rng.choice(funders),
                    "amount": rng.randint(1, 500) * 1000,
                    "year": year,
                    "status": status,
                }
            )
        kind = rng.choice(KINDS)
        if kind == "application":
            # an application states the sum applied for (check warns otherwise)
            lines[0] = {**lines[0], "from": rng.choice(funders), "status": "applied"}
        data = {
            "title": f"Syntetiskt beslut {i:06d} om {rng.choice(WORDS)} och {rng.choice(WORDS)}",
            "district": district,
            "meeting": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "kind": kind,
            "signed_by": [{"name": f"{rng.choice(WORDS).capitalize()} Andersson"}],
            "proposals": [paragraph(rng, 12)],
            "projects": [project],
            "funding": lines,
            "outcome": {"status": rng.choice(["approved", "rejected", "pending", "unknown"])},
        }
        (decisions / f"{year}-beslut-{i:06d}.md").write_text(
            front(data, body(rng)), encoding="utf-8"
        )
    return root


def decision_count(text: str) -> int:
    """N from the command line: a whole number of at least 1 (0 or -5 would write a
    corpus of no decisions), else argparse's one-line error says what was wrong."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return n


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.corpus",
        description="Write a synthetic benchmark corpus: N decisions and N/5 projects "
        "(content/ and data/ under ROOT). Same N and seed give byte-identical files.",
    )
    parser.add_argument("n", metavar="N", type=decision_count, help="number of decisions (>= 1)")
    parser.add_argument("root", metavar="ROOT", type=Path, help="folder to write it into")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and write the corpus; a folder that cannot be written is a
    one-line error with status 1, not a traceback (bad arguments: argparse's, status 2)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        generate(args.n, args.root, seed=args.seed)
    except OSError as error:
        print(f"{parser.prog}: error: cannot write {args.root}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
