#!/usr/bin/env bash
set -euo pipefail
: "${RESTIC_REPOSITORY:?set RESTIC_REPOSITORY}"
: "${RESTIC_PASSWORD:?set RESTIC_PASSWORD}"
case "${1:-}" in
  backup)    restic backup --exclude-caches --exclude '*.tmp' "$2" ;;
  snapshots) restic snapshots --compact ;;
  restore)   restic restore "$2" --target "$3" ;;
  check)     restic check ;;
  *) echo "usage: rb.sh backup <dir> | snapshots | restore <id> <dir> | check" >&2; exit 1 ;;
esac
