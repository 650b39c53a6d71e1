"""``python -m holepilot``: the ``holepilot`` command."""

import sys

from holepilot.main import main

if __name__ == "__main__":
    sys.exit(main())
