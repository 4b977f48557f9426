"""Stages 1 and 2, load and validate: what the project's files say, and what is wrong in them.

`files` reads only regular files inside the project; `yamlsource` parses YAML
keeping each value's line; `load` reads content and data files, `schema` and
`validate` hold them to the JSON Schemas in `insyn/schemas/`; `preload` does
both for many files in parallel; `assets` and `history` read `assets/` and the
git history. Every problem found is a `model.problems.Problem` at its line.
"""
