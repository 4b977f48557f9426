"""Stage 3, link: the entities joined into one graph, and what is found in it.

`link` makes the entities and indexes the backlinks (`SiteGraph`), with
`resolve` checking each reference and `funding` making the funding lines;
`ledger` and `money` hold the funding lines and their sums per status;
`quality` finds where the sources contradict themselves; `reads` is the graph
as pages see it, every look-up recorded for the incremental build.
"""
