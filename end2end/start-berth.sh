#!/usr/bin/env bash
# Starts the debug berth binary on a fresh, temporary data directory for the browser tests.
set -euo pipefail
cd "$(dirname "$0")"
BERTH_DATA_DIR=$(mktemp -d -t berth-e2e-XXXXXX)
export BERTH_DATA_DIR
exec ../target/debug/berth
