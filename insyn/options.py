"""What each command is asked to do: one frozen options object per command.

`cli` makes them from the command line; `commands`, `incremental` and `serve`
take them. Kept apart from `cli` so that nothing the commands use imports
the command line back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CheckOptions:
    content: Path
    data: Path
    strict: bool = False
    #: `text`: `path:line: severity: message` lines and a summary; `json`: one object a line
    format: str = "text"


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    data: Path
    out: Path
    base_url: str | None = None
    drafts: bool = False
    quiet: bool = False
    search: bool = True


@dataclass(frozen=True)
class ServeOptions:
    build: BuildOptions
    port: int = 8000
    host: str = "127.0.0.1"
