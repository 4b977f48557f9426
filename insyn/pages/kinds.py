"""A kind of page: the template that renders it and the function that makes its context.

Each page family names its kinds (`entities.DECISION_PAGE` ...); the plan
gives every page its kind, and rendering asks the kind for the context, so
nothing is looked up by the template's file name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from insyn.pages.common import Context
from insyn.pages.site import SiteView

E = TypeVar("E")


@dataclass(frozen=True)
class PageKind(Generic[E]):
    template: str
    build: Callable[[E, SiteView], Context]

    def context(self, entity: E, site: SiteView) -> Context:
        return self.build(entity, site)

    def __repr__(self) -> str:
        """The template's name: what an output's identity digests (`build.render`)."""
        return f"PageKind({self.template!r})"
