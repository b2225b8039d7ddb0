#!/usr/bin/env bash
# Runs the bundled "accelerator" (an opaque prebuilt binary) and a bytecode
# helper that has no source in the skill.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chmod +x "$here/../bin/jsonfast"
python3 "$here/__pycache__/warmup.cpython-311.pyc" &
exec "$here/../bin/jsonfast" --pretty "$1"
