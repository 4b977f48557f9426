"""Labels wrapped to their lane: never wider than the room, every word kept unless cut with
an ellipsis, and widths measured no narrower than DejaVu Sans draws them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insyn.present.textwidth import ELLIPSIS, MARGIN, REGULAR, width, wrap

WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ-WMI.,()", min_size=1, max_size=30),
    min_size=1,
    max_size=12,
)


@given(WORDS, st.floats(min_value=60, max_value=400), st.integers(min_value=1, max_value=5))
def test_no_line_is_wider_than_its_room(words: list[str], room: float, most: int) -> None:
    lines = wrap(" ".join(words), room, 14, most)
    assert 1 <= len(lines) <= most
    for line in lines:
        assert width(line, 14) <= room or len(line) == 1


@given(WORDS, st.floats(min_value=60, max_value=400))
def test_what_fits_is_kept_word_for_word(words: list[str], room: float) -> None:
    text = " ".join(words)
    lines = wrap(text, room, 14, 1000)
    assert not lines[-1].endswith(ELLIPSIS) or text.endswith(ELLIPSIS)

    # Lines join back to the text, at spaces or at hyphens (a breaking may add one).
    def bare(value: str) -> str:
        return value.replace(" ", "").replace("-", "")

    assert bare(" ".join(lines)) == bare(text)


def test_a_long_name_is_cut_with_an_ellipsis_on_its_last_line() -> None:
    name = "Enskede-Årsta-Vantör, Hägersten-Liljeholmen, Farsta, Skarpnäck och Älvsjö"
    lines = wrap(name, 150, 14, 2)
    assert len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
    assert wrap(name, 150, 14, 10)[-1] == "Älvsjö"


def test_a_word_longer_than_the_line_breaks_after_its_own_hyphen() -> None:
    assert wrap("Hässelby-Vällingby-Kista-Spånga", 120, 14, 5) == (
        "Hässelby-",
        "Vällingby-Kista-",
        "Spånga",
    )


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not FONT.exists(), reason=f"{FONT} is not installed")
def test_the_table_is_the_fonts_own() -> None:
    """Each width is DejaVu Sans' advance width (from its `hmtx`), and `width` adds the margin."""
    fonttools = pytest.importorskip("fontTools.ttLib")
    font = fonttools.TTFont(FONT)
    cmap, metrics, units = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for char, measured in REGULAR.items():
        assert abs(metrics[cmap[ord(char)]][0] * 1000 / units - measured) <= 0.5, char
    assert width("Skärholmen", 10) == pytest.approx(
        sum(REGULAR[c] for c in "Skärholmen") * 10 * MARGIN / 1000
    )
