"""Insyn's command line. Kept thin: all the work happens in the `insyn` package.

Run it, never import it: a module named `site` would shadow the standard library's.
"""

import os
import sys

from insyn.cli import main

if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Leave without freeing the site's objects one by one at exit: every file is written
    # and closed by now, and the teardown cost a second after a large build.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)
