"""`python scripts/fly.py`: the same as `drone-ssl fly`."""

import sys

from drone_ssl_app.fly import main

if __name__ == "__main__":
    sys.exit(main())
