#!/usr/bin/env bash
# Installs what building, running and testing dystonia-risk needs on Debian 12.
# Shared by README's quick start, .ci/run and deploy/Dockerfile: one list, one place.
# Runs apt-get only when a package is missing, so a second run costs nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc
  libabsl-dev
  librocksdb-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libssl-dev
  libcpp-httplib-dev
  libboost1.81-dev
  nlohmann-json3-dev
)

# The test suite renders the audit report in a real browser (headless
# Chromium) and runs the Python and Node client examples against a live
# server. Asked for with `bash deploy/setup.sh test` (deploy/test.sh does).
if [[ " $* " == *" test "* ]]; then
  PACKAGES+=(chromium python3 python3-grpcio python3-protobuf python3-yaml openssl)
  # Node and npm from Debian, unless a Node.js is already there (another
  # distribution's nodejs conflicts with Debian's npm package).
  command -v node >/dev/null || PACKAGES+=(nodejs)
  command -v npm >/dev/null || PACKAGES+=(npm)
fi

# The load harness (bench/load.sh) also needs h2load and nghttp; asked for
# with `bash deploy/setup.sh bench`, not needed to build, run or test.
if [[ " $* " == *" bench "* ]]; then
  PACKAGES+=(nghttp2-client util-linux)
fi

# The sanitizer and fuzzing run (deploy/sanitize.sh): clang, its sanitizer and
# libFuzzer runtimes, and llvm-symbolizer for readable reports. Asked for
# with `bash deploy/setup.sh sanitize`.
if [[ " $* " == *" sanitize "* ]]; then
  PACKAGES+=(clang libclang-rt-14-dev llvm)
fi

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
