#!/usr/bin/env bash
# Fresh Debian 12 -> every test run: installs build deps and the test clients (awscli, boto3, s3cmd, rclone,
# node + the pinned JS SDK), builds everything, and runs all unit and end-to-end tests with CTest.
#   PODBUCKET_SKIP_HUGE=1   skips the 5 GiB streaming test
#   JOBS=N                  build/test parallelism (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true
# ccache (picked up by CMake when installed): relative paths, so a fresh clone elsewhere still hits the cache
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
JOBS="${JOBS:-2}"
bash scripts/deps.sh --test
npm ci --prefix tests/e2e/js --no-audit --no-fund
npm ci --prefix tests/deploy/js --no-audit --no-fund
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$JOBS"
ctest --test-dir build --output-on-failure -j "$JOBS"
