#!/usr/bin/env bash
# Fresh Debian 12 -> running podbucket: installs the build dependencies, builds a Release binary and starts the
# main job on the embedded default (SQLite + blobs in ./data):
#   build/podbucket up --data-dir ./data
# which serves S3/IAM/STS/KMS/EKS on 127.0.0.1:9000, runs a Pod Identity agent on 127.0.0.1:9023, provisions the
# seed's GitLab layout and prints the env block a pod gets. Extra arguments go to `podbucket up`, e.g.
# `bash scripts/run.sh --listen 0.0.0.0:9000 --name-prefix mygitlab`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target podbucket -j "${JOBS:-$(nproc)}"
exec build/podbucket up --data-dir ./data "$@"
