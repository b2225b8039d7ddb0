#!/usr/bin/env bash
set -euo pipefail
dir="docs/adr"
mkdir -p "$dir"
title="$1"
last=$(ls "$dir" 2>/dev/null | grep -Eo '^[0-9]{4}' | sort -n | tail -1 || true)
num=$(printf '%04d' $(( 10#${last:-0} + 1 )))
slug=$(echo "$title" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g')
file="$dir/${num}-${slug}.md"
sed -e "s/{{number}}/$((10#$num))/" -e "s/{{title}}/$title/" -e "s/{{date}}/$(date +%F)/" \
  "$(dirname "$0")/../references/adr-template.md" > "$file"
echo "$file"
