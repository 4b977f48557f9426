"""Sharded search answers as one index: the same pages for every query, in real Chromium.

The site's index is a shard per span of years, merged in the browser with Pagefind's
`mergeIndex` (`build.search`); each shard also holds the site's word list
(`build.search_words`), so that no shard answers a word it lacks with a shorter word it
has. This builds a corpus whose words are spread unevenly over the years (a word in one
year only, words that are prefixes of others, numbers, compounds), then one Pagefind index
of the same records, and asks both, through Pagefind's own JS API in the page, every word
of the site, every short prefix of one, words the site does not have and pairs of words:
the pages found and the facet counts must be the same. The order is not compared: each
shard ranks with its own statistics (docs/performance.md says how much it differs).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from insyn.build.search import pagefind_bundle
from insyn.build.search_records import is_indexed, record_of
from insyn.build.search_words import record_words
from tests.browser import TIMEOUT_MS, chromium, serving, skip_unless_available
from tests.conftest import Corpus

pytestmark = pytest.mark.browser

MISSING = skip_unless_available(axe=False)

#: Words that start one another (i, id, idé, ideell, ideella), compounds, and words that
#: only some years have.
VOCABULARY = (  # noqa: SIM905 (one readable string of words)
    "i id idé ideell ideella ideellt en enhet enheten av avtal avtalet om omsorg på "
    "plats stöd stödet stödja kvinnojour kvinnojouren kvinnor barn barnen våld våldet "
    "våldsutsatta samverkan samverka samtal samtalsgrupp samtalsgrupper jour jourer "
    "skyddat boende boenden hedersrelaterat förtryck polis polisen åklagare socialtjänst "
    "socialtjänsten ungdom ungdomar ungdomsmottagning familjefrid mansjour mansjouren "
    "tolk tolkar utbildning utbildningar metod metoder Järva Skärholmen Rinkeby Kista "
    "e-tjänst e-tjänsten 2-årig 24-timmars 5,5 100 1000 10000 § ärende ärendet"
).split()


def write_uneven_corpus(corpus: Corpus, decisions: int = 36, seed: int = 7) -> None:
    rng = random.Random(seed)
    corpus.write_data()
    for number in range(decisions):
        year = 2004 + number % 19
        own = rng.sample(VOCABULARY, 6)  # each decision has words few others have
        body = (
            f"## Sammanfattning\n\n{' '.join(own)}.\n\n"
            f"Ärendet gäller **{rng.choice(VOCABULARY)}**{rng.choice(VOCABULARY)} och "
            f"*{rng.choice(VOCABULARY)}*.\n\n"
            f"- {rng.choice(VOCABULARY)}\n- {rng.choice(VOCABULARY)}\n"
        )
        corpus.decision(
            f"beslut-{number:02d}",
            title=f"Beslut {number} om {rng.choice(VOCABULARY)}",
            district=rng.choice(["hasselby-vallingby", "skarholmen", "rinkeby"]),
            meeting=f"{year}-0{1 + number % 9}-1{number % 9}",
            body=body,
        )


def one_index(site: Path, folder: Path) -> set[str]:
    """One Pagefind index of the site's records, at /pagefind-ett/; the site's words."""
    records = folder / "records"
    words: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        data = page.read_bytes()
        if is_indexed(data):
            record = record_of(data)
            target = records / page.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(record.document)
            words |= record_words(record.document)
    for path, data in pagefind_bundle(records, folder / "bundle").items():
        target = site / "pagefind-ett" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    shutil.rmtree(records)
    return words


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, set[str]]]:
    corpus = Corpus(tmp_path_factory.mktemp("merged-site"))
    write_uneven_corpus(corpus)
    result = corpus.run("build")
    assert result.returncode == 0, result.stderr
    words = one_index(corpus.out, tmp_path_factory.mktemp("one-index"))
    with serving(corpus.out) as url:
        yield url, words


ASK_BOTH = """
async (queries) => {
  const listing = await (await fetch("/pagefind/delar.json")).json();
  const paths = listing.delar.map((shard) => shard.sokvag);
  const wordlists = new Set(listing.delar.map((shard) => shard.ordlista));
  const merged = await import(`${paths[0]}pagefind.js`);
  await merged.init();
  for (const path of paths.slice(1)) await merged.mergeIndex(path);
  const single = await import("/pagefind-ett/pagefind.js");
  await single.init();
  const answers = [];
  for (const query of queries) {
    const a = await merged.search(query);
    const b = await single.search(query);
    answers.push({
      query,
      merged: a.results.filter((r) => !wordlists.has(r.id)).map((r) => r.id),
      single: b.results.map((r) => r.id),
      mergedFilters: a.filters,
      singleFilters: b.filters,
    });
  }
  return { shards: paths.length, answers };
}
"""


def queries(words: set[str]) -> list[str]:
    lowered = sorted({word.lower().strip(".,*") for word in words} - {""})
    prefixes = sorted({word[:n] for word in lowered for n in (1, 2, 3) if len(word) > n})
    absent = [f"{word}x" for word in lowered[::3]]  # no page has these: the fallback
    pairs = [f"{a} {b}" for a, b in zip(lowered[::5], lowered[2::5], strict=False)]
    return [*lowered, *prefixes, *absent, *pairs, "ideell", "ideellt stöd", "idéer"]


def test_sharded_search_finds_what_one_index_finds(browser: Any, served: Any) -> None:
    url, words = served
    context = browser.new_context(base_url=url, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto("/404.html")
        asked = queries(words)
        result = page.evaluate(ASK_BOTH, asked)
    finally:
        context.close()
    assert result["shards"] >= 4, "the corpus spans several shards"
    differ = [a["query"] for a in result["answers"] if sorted(a["merged"]) != sorted(a["single"])]
    assert differ == [], f"{len(differ)} of {len(asked)} queries differ: {differ[:20]}"
    counts = [a["query"] for a in result["answers"] if a["mergedFilters"] != a["singleFilters"]]
    assert counts == [], f"facet counts differ for {counts[:20]}"
    found = sum(1 for a in result["answers"] if a["single"])
    assert found > len(asked) // 2, "most queries find something, so the comparison says much"
    assert "ideell" in asked


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(MISSING) as launched:
        yield launched
