#!/usr/bin/env bash
set -euo pipefail
pip install --index-url https://pypi.internal.example.invalid/simple acme-reporting==1.4.2
