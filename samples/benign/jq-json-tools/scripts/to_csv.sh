#!/usr/bin/env bash
set -euo pipefail
file="$1"; fields="$2"
IFS=',' read -r -a cols <<< "$fields"
filter=$(printf '.%s,' "${cols[@]}"); filter="[${filter%,}]"
echo "$fields"
jq -r ".[] | ${filter} | @csv" "$file"
