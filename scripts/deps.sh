#!/usr/bin/env bash
# Installs podbucket's build dependencies on Debian 12 (as root, or through sudo).
# With --test it also installs the clients the end-to-end tests drive: awscli, python3-boto3, s3cmd, rclone, curl,
# GitLab's storage clients (docker-registry, umoci, skopeo, ruby-fog-aws, ruby-carrierwave), and nodejs/npm only if
# no node is on PATH yet (a newer node, e.g. from nodesource, is kept as it is).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

BUILD_PKGS=(build-essential cmake ninja-build ccache libboost-dev libssl-dev libsqlite3-dev zlib1g-dev
            libpugixml-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
            libgtest-dev libgmock-dev libbenchmark-dev)
TEST_PKGS=(awscli python3-boto3 s3cmd rclone curl docker-registry umoci skopeo ruby-fog-aws ruby-carrierwave)

pkgs=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then
  pkgs+=("${TEST_PKGS[@]}")
  if command -v node >/dev/null 2>&1; then
    echo "deps: using the node already on PATH: $(node --version)"
  else
    pkgs+=(nodejs npm)
  fi
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "deps: all ${#pkgs[@]} packages already installed"
fi

if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null 2>&1; then
  echo "deps: node is on PATH but npm is not; install npm for that node" >&2
  exit 1
fi
