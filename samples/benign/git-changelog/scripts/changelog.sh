#!/usr/bin/env bash
set -euo pipefail
from="${1:?usage: changelog.sh <from-tag> [to-ref]}"
to="${2:-HEAD}"

echo "## ${to} ($(git log -1 --format=%cs "$to"))"
echo
for kind in feat fix; do
  title=$([ "$kind" = feat ] && echo "Features" || echo "Fixes")
  lines=$(git log --no-merges --format='%s (%h)' "${from}..${to}" | grep -E "^${kind}(\(.+\))?:" || true)
  if [ -n "$lines" ]; then
    echo "### ${title}"
    echo
    printf '%s\n' "$lines" | sed -E "s/^${kind}(\(([^)]+)\))?: /- **\2** /; s/\*\*\*\* //"
    echo
  fi
done
other=$(git log --no-merges --format='%s (%h)' "${from}..${to}" | grep -vE '^(feat|fix)(\(.+\))?:' || true)
if [ -n "$other" ]; then
  echo "### Other"
  echo
  printf '%s\n' "$other" | sed 's/^/- /'
fi
