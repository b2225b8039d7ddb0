#!/usr/bin/env bash
set -euo pipefail
jq -r --arg f "$2" 'group_by(.[$f]) | map({key: (.[0][$f] // "null" | tostring), n: length}) | sort_by(-.n) | .[] | "\(.n)\t\(.key)"' "$1"
