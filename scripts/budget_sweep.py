"""`python scripts/budget_sweep.py`: the same as `drone-ssl budget-sweep`."""

import sys

from drone_ssl_lab.experiment.budget_sweep import main

if __name__ == "__main__":
    sys.exit(main())
