#!/usr/bin/env bash
set -euo pipefail
days="${1:-7}"
git log --since="${days} days ago" --no-merges --numstat --format='@@%H|%an|%cs|%s' \
  | awk -F'\t' '
    /^@@/ { if (c) print c "]}"; split(substr($0,3),h,"|"); c="{\"sha\":\"" h[1] "\",\"author\":\"" h[2] "\",\"date\":\"" h[3] "\",\"files\":["; sep=""; next }
    NF==3 { c=c sep "{\"add\":\"" $1 "\",\"del\":\"" $2 "\",\"path\":\"" $3 "\"}"; sep="," }
    END { if (c) print c "]}" }' \
  | jq -s '.'
