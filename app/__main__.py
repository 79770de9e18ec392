"""`python -m drone_ssl_app COMMAND [ARGS]`: the same as the `drone-ssl` console command."""

import sys

from drone_ssl_app.console import main

sys.exit(main())
