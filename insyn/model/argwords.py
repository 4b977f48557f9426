"""argparse's own words, in the run's language: the usage line, the help headings and the
errors of a mistyped command ("unrecognized arguments", "invalid choice").

argparse words its messages through the module-level `_` and `ngettext` it imported from
`gettext`, and Python ships no Swedish for them. `install` points those two names at Insyn's
catalogue, which holds the words listed here (marked with `N_` so that `pybabel extract`
finds them); the run's language is read each time a word is shown.
"""

from __future__ import annotations

import argparse

from insyn.model.i18n import current_language, translations


def N_(message: str) -> str:
    """A message id to extract (the name gettext tools look for), translated where argparse
    shows it."""
    return message


WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)


def _gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


def install() -> None:
    """argparse's words from Insyn's catalogue, in whatever language the run uses."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
