"""`python scripts/replay.py`: the same as `drone-ssl replay`."""

import sys

from drone_ssl_app.replay import main

if __name__ == "__main__":
    sys.exit(main())
