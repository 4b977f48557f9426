"""Insyn's command line. Kept thin: all the work happens in the `insyn` package.

Run it, never import it: a module named `site` would shadow the standard library's.
"""

import sys

from insyn.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
