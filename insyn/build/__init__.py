"""Stages 4b and 5, render and write: from the plan to the files in `--out`.

`render` renders one output (templates, assets) and records what it read;
`pool` renders many in parallel and `sink` writes them; `write` swaps the
staged folder into `--out`; `incremental` decides what a warm build renders
from the manifest (`manifest`, `versions`) and the caches (`cachefile`,
`bodycache`); `search` makes the Pagefind index.
"""
