"""The commands' messages in the user's language, through gettext catalogues.

A message is made where a problem is found (`_("{where} must not be empty",
where=...)`) and worded only when it is printed, in the language chosen for
this run: a problem cached from one run reads right in the next, whatever its
language, and the same problem can be shown in Swedish on the browser's
error page and in English in a terminal that asked for it.

The message ids are English; `insyn/locale/sv/LC_MESSAGES/insyn.po` holds the
Swedish, which is the default. Babel extracts the ids (`_` and `ngettext`
calls, see `babel.cfg`) and compiles the catalogue when the environment is
set up (`make`); a catalogue not compiled yet, or older than its `.po`, is
compiled in memory, so a checkout always speaks Swedish.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DOMAIN = "insyn"
#: The languages messages are written in; the first is the default.
LANGUAGES = ("sv", "en")
DEFAULT = LANGUAGES[0]
#: Where the catalogues are: `locale/<language>/LC_MESSAGES/insyn.po` (and `.mo`).
LOCALE = resources.files("insyn").joinpath("locale")

_current = DEFAULT


@dataclass(frozen=True)
class Message:
    """A message id and the values it names, worded in a language when it is shown."""

    msgid: str
    args: tuple[tuple[str, Any], ...] = ()
    plural: str = ""
    count: int = 0

    def text(self, language: str | None = None) -> str:
        words = translations(language or _current)
        if self.plural:
            template = words.ngettext(self.msgid, self.plural, self.count)
        else:
            template = words.gettext(self.msgid)
        values = {key: _worded(value, language) for key, value in self.args}
        return template.format(**values) if values or self.plural else template

    def __str__(self) -> str:
        return self.text()


def _worded(value: Any, language: str | None) -> Any:
    return value.text(language) if isinstance(value, Message) else value


def _(msgid: str, **args: Any) -> Message:
    """A message to translate; its `{name}` fields are filled from `args` when shown."""
    return Message(msgid, tuple(args.items()))


def ngettext(singular: str, plural: str, count: int, **args: Any) -> Message:
    """A message with a singular and plural form, chosen by `count` (also `{count}`)."""
    return Message(singular, (("count", count), *args.items()), plural, count)


def text(message: Message | str, language: str | None = None) -> str:
    """A message worded in `language` (the run's by default); a plain string as it is."""
    return message.text(language) if isinstance(message, Message) else message


def use_language(language: str) -> None:
    """The language of every message this run prints."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(language)
    _current = language


def current_language() -> str:
    return _current


def language_from(requested: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """`--lang` when given; else `INSYN_LANG`; else the locale's language, as gettext reads
    it (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), when it is one of ours; else Swedish.

    A locale of `C`, `POSIX` or a language the catalogues do not have gives Swedish: the
    site, its staff and its guide are Swedish, and English is what someone asks for.
    """
    if requested:
        return requested
    explicit = environ.get("INSYN_LANG", "").strip()
    if explicit:
        return _ours(explicit) or DEFAULT
    locale = next((v for n in ("LC_ALL", "LC_MESSAGES", "LANG") if (v := environ.get(n))), "")
    if locale.split(".")[0] in ("", "C", "POSIX"):
        return DEFAULT
    for part in (environ.get("LANGUAGE") or locale).split(":"):
        if language := _ours(part):
            return language
    return DEFAULT


def _ours(locale: str) -> str | None:
    """`en_GB.UTF-8` -> `en`, when the catalogues have the language."""
    language = locale.split("_")[0].split(".")[0].split("@")[0].lower()
    return language if language in LANGUAGES else None


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language`: English is the message ids themselves."""
    if language == "en":
        return gettext.NullTranslations()
    folder = LOCALE.joinpath(language, "LC_MESSAGES")
    po, mo = folder.joinpath(f"{DOMAIN}.po"), folder.joinpath(f"{DOMAIN}.mo")
    if mo.is_file() and (not po.is_file() or _mtime(mo) >= _mtime(po)):
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    if po.is_file():
        return gettext.GNUTranslations(io.BytesIO(compile_catalogue(po.read_bytes())))
    return gettext.NullTranslations()  # no catalogue installed: the English ids


def compile_catalogue(po_bytes: bytes) -> bytes:
    """A `.po` file compiled as `pybabel compile` does (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogue = read_po(io.BytesIO(po_bytes))
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def _mtime(path: Any) -> float:
    return float(os.stat(str(path)).st_mtime)
