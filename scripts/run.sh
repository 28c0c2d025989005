#!/usr/bin/env bash
# Fresh Debian 12 -> running podbucket: installs the build dependencies, builds a Release binary and starts
#   build/podbucket server --data-dir ./data        (listens on 127.0.0.1:9000; SQLite + blobs in ./data)
# Extra arguments go to `podbucket server`, e.g. `bash scripts/run.sh --listen 0.0.0.0:9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target podbucket -j "${JOBS:-$(nproc)}"
exec build/podbucket server --data-dir ./data "$@"
