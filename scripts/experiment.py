"""`python scripts/experiment.py`: the same as `drone-ssl experiment`."""

import sys

from drone_ssl_lab.experiment.command import main

if __name__ == "__main__":
    sys.exit(main())
