"""How things look on a page: formatting, safe HTML and drawings, free of the graph.

`formatting` writes Swedish amounts and dates (through Babel, in one place);
`markup` and `nesting` turn Markdown into safe HTML; `svg`, `charts` and
`sankey` draw; `jsonld` and `facets` write the machine-readable parts of pages.
"""
