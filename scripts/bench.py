"""`python scripts/bench.py`: the same as `drone-ssl bench`."""

import sys

from drone_ssl_lab.bench.command import main

if __name__ == "__main__":
    sys.exit(main())
