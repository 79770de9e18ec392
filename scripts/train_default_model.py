"""`python scripts/train_default_model.py`: the same as `drone-ssl train-default-model`."""

import sys

from drone_ssl_lab.training.train_default_model import main

if __name__ == "__main__":
    sys.exit(main())
