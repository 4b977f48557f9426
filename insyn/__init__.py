"""Insyn: a static site generator for public money against domestic violence.

The build is a staged pipeline, one module per stage:
load (files -> parsed sources) -> validate (problems) -> model (typed entities)
-> link (graph and funding ledger) -> render (a plan of pages) -> write.
"""

__version__ = "0.1.0"
