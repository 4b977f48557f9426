"""The downloads: one record per entity and line, as JSON, CSV and 360Giving.

`records` makes the records once per graph, `files` writes `/data/` and each
page's JSON twin, `grants360` the 360Giving package, `guide` the `/data/` page.
"""
