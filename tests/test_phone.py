"""Phone links dial from anywhere: RFC 3966's global form, the number shown as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insyn.model.phone import tel_uri
from tests.conftest import Corpus

#: RFC 3966 global-number: "+" digits, with "-", "." or "()" as visual separators (we use "-")
GLOBAL = re.compile(r"tel:\+\d+(-\d+)*")


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("08-508 04 016", "tel:+46-8-508-04-016"),
        ("08-5080 40 16", "tel:+46-8-5080-40-16"),
        # the city's own exchange written without its area code: an 08 number
        ("508 04 016", "tel:+46-8-508-04-016"),
        ("50804016", "tel:+46-8-50804016"),
        ("+46 8 508 04 016", "tel:+46-8-508-04-016"),
        ("+46 (0)8 508 04 016", "tel:+46-8-508-04-016"),
        ("0046-8-508 04 016", "tel:+46-8-508-04-016"),
        ("070-123 45 67", "tel:+46-70-123-45-67"),
        ("031-700 10 00", "tel:+46-31-700-10-00"),
    ],
)
def test_swedish_numbers_get_a_global_link(written: str, uri: str) -> None:
    assert tel_uri(written) == uri


@pytest.mark.parametrize(
    "written", ["", "12345", "08-123", "+1 212 555 0100", "ring växeln", "08-508 04 016 ankn. 3"]
)
def test_what_is_not_a_swedish_number_gets_no_link(written: str) -> None:
    assert tel_uri(written) is None


@given(st.text(alphabet="0123456789 +-()/", max_size=24))
def test_a_link_is_always_global_and_dials_the_written_digits(written: str) -> None:
    uri = tel_uri(written)
    if uri is None:
        return
    assert GLOBAL.fullmatch(uri), uri
    dialled = uri.removeprefix("tel:+46").replace("-", "")
    digits = re.sub(r"\D", "", written)
    # the number is the written digits, less the country code or the trunk 0 (and a
    # bracketed one), or with Stockholm's 8 in front
    assert digits.endswith(dialled) or ("8" + digits).endswith(dialled), (written, uri)
    assert 7 <= len(dialled) <= 9


def test_the_decision_page_links_the_case_officers_phone(corpus: Corpus) -> None:
    corpus.decision("a", case_officer={"name": "Anna Andersson", "phone": "508 04 016"})
    corpus.decision("b", case_officer={"name": "Bo Berg", "phone": "ankn. 16"}, title="B")
    result = corpus.run("build", "--no-search")
    assert result.returncode == 0, result.stderr
    page = (corpus.out / "beslut" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'telefon <a href="tel:+46-8-508-04-016">508 04 016</a>' in page
    other = (corpus.out / "beslut" / "b" / "index.html").read_text(encoding="utf-8")
    officer = other.split("<dt>Handläggare</dt>", 1)[1].split("</dd>", 1)[0]
    assert officer == "<dd>Bo Berg, telefon ankn. 16"  # shown as written, with no link
