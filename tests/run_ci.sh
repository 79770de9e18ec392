#!/usr/bin/env bash
# The test command of the README and of CI (.ci/run): the whole suite with torch's own kernels for this CPU, then
# the tests that assert learning figures once more under another kernel set, so a bound that holds on one
# floating-point path only fails here and not first on someone else's machine. Arguments go to the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNING=(tests/drone_ssl/pilot tests/drone_ssl/learner tests/drone_ssl/mono tests/drone_ssl/arbiter)
own=$(python -c 'import torch; print(torch.backends.cpu.get_cpu_capability())')
echo "== the whole suite, torch's own kernels ($own)"
python -m pytest "$@"
# ATen's portable kernels: another floating-point path than every vectorised one (AVX2, AVX-512).
if [ "$own" = "DEFAULT" ]; then
    echo "== torch already uses its portable kernels on this CPU: no second kernel set to run the learning tests under"
    exit 0
fi
echo "== the learning tests again, ATEN_CPU_CAPABILITY=default"
ATEN_CPU_CAPABILITY=default python -m pytest -q "${LEARNING[@]}"
