#!/bin/sh
set -eu
db="$1"; cmd="$2"; arg="${3:-}"
case "$cmd" in
  tables) sqlite3 -readonly "$db" ".tables" ;;
  schema) sqlite3 -readonly "$db" ".schema $arg" ;;
  query)  sqlite3 -readonly -header -column "$db" "$arg" ;;
  csv)    sqlite3 -readonly -header -csv "$db" "$arg" ;;
  *) echo "usage: sq.sh <db> tables|schema|query|csv [arg]" >&2; exit 1 ;;
esac
