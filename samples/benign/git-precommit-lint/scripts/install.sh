#!/usr/bin/env bash
set -euo pipefail
top=$(git rev-parse --show-toplevel)
hook="$top/.git/hooks/pre-commit"
if [ -e "$hook" ] && ! grep -q 'git-precommit-lint' "$hook"; then
  echo "A different pre-commit hook already exists: $hook (not overwriting)" >&2
  exit 1
fi
install -m 0755 "$(dirname "$0")/../assets/pre-commit" "$hook"
echo "installed $hook"
