"""`python -m drone_ssl COMMAND [ARGS]`: the same as the `drone-ssl` console command."""

import sys

from drone_ssl.console import main

sys.exit(main())
