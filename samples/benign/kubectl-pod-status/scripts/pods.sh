#!/usr/bin/env bash
set -euo pipefail
ns="${1:-default}"
echo "context: $(kubectl config current-context)  namespace: $ns"
kubectl get pods -n "$ns" -o json \
  | jq -r '.items[] | [.metadata.name, .status.phase, ([.status.containerStatuses[]?.restartCount] | add // 0)] | @tsv' \
  | column -t
echo
echo "recent warnings:"
kubectl get events -n "$ns" --field-selector type=Warning --sort-by=.lastTimestamp | tail -n 10
