"""`python scripts/export_onnx.py`: the same as `drone-ssl export-onnx`."""

import sys

from drone_ssl_app.export_onnx import main

if __name__ == "__main__":
    sys.exit(main())
