"""Downloads of exactly this page: every project, district, funder, organisation and year
page has a `finansiering.csv` of the lines it shows, with the columns and encoding of
`/data/finansiering.csv`, its sums those of the page."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from insyn.model import STATUSES
from tests.conftest import Corpus
from tests.test_opendata import write_money_corpus
from tests.test_site import html_files, url_of

TEMPLATE_FOLDERS = ("projekt", "stadsdelar", "finansiarer", "organisationer", "ar")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Corpus(tmp_path_factory.mktemp("page-csv"))
    corpus.write_data()
    write_money_corpus(corpus)
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    return corpus.out


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with the byte order mark Excel reads"
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def _entity_pages(site: Path) -> list[str]:
    return [
        url
        for url in (url_of(site, p) for p in html_files(site))
        if url.count("/") == 3 and url.split("/")[1] in TEMPLATE_FOLDERS
    ]


def test_every_entity_and_year_page_links_its_own_csv(site: Path) -> None:
    pages = _entity_pages(site)
    assert {u.split("/")[1] for u in pages} == set(TEMPLATE_FOLDERS)
    for url in pages:
        html = (site / url.lstrip("/") / "index.html").read_text("utf-8")
        assert f'<a href="{url}finansiering.csv" type="text/csv">' in html, url
        assert (site / url.lstrip("/") / "finansiering.csv").is_file(), url


def test_each_csv_holds_exactly_the_lines_its_page_shows(site: Path) -> None:
    columns, every = _rows(site / "data/finansiering.csv")
    by_id = {row["id"]: row for row in every}
    checked = 0
    for url in _entity_pages(site):
        folder = url.split("/")[1]
        key = url.split("/")[2]
        head, rows = _rows(site / url.lstrip("/") / "finansiering.csv")
        assert head == columns, url
        for row in rows:
            assert by_id[row["id"]] == row, url  # the same row as in the site's file
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), url
        if folder == "ar":
            expected = {r["id"] for r in every if r["year"] == key}
        elif folder == "projekt":
            expected = {r["id"] for r in every if r["project_id"] == key}
        else:
            expected = {
                r["id"]
                for r in every
                if key in r["from_ids"].split(",") or key in r["to_ids"].split(",")
            }
        assert set(ids) == expected, url
        checked += 1
    assert checked > 10


def test_each_csv_sums_to_the_page_totals(site: Path) -> None:
    """The JSON twin states the page's sums; the CSV's rows add up to them, per status."""
    for url in _entity_pages(site):
        if url.startswith("/ar/"):
            continue  # a year page has no twin; its lines are checked above
        twin = json.loads((site / url.lstrip("/") / "index.json").read_text("utf-8"))
        _, rows = _rows(site / url.lstrip("/") / "finansiering.csv")
        summed: dict[str, int] = defaultdict(int)
        for row in rows:
            if row["amount"]:
                summed[row["status"]] += int(row["amount"])
        groups = [v for k, v in twin.items() if k.endswith("totals")]
        stated = {s: sum(group[s] for group in groups) for s in STATUSES}
        assert {s: summed.get(s, 0) for s in STATUSES} == stated, url
