"""`python scripts/calibrate_stereo.py`: the same as `drone-ssl calibrate`."""

import sys

from drone_ssl_app.calibrate import main

if __name__ == "__main__":
    sys.exit(main())
