"""Stage 4a, what each page shows: the plan of every file, and a module per page family.

`plan` lists every file of the URL scheme (contract section 7); `site` is the
view templates get (`SiteView`: look-ups, links, URLs); `urls` and `choices`
are what the families share; `entities`, `organisations`, `lists`, `trails`,
`feeds`, `quality` and `redirects` each build the context of their pages.
"""
