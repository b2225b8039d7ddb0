#!/usr/bin/env bash
set -euo pipefail
pr="${1:?usage: summarize.sh <pr-number>}"
gh pr view "$pr" --json title,body,additions,deletions,files \
  | jq -r '"# " + .title, "", .body, "", "+\(.additions) -\(.deletions) in \(.files|length) files"'
