#!/bin/sh
host="$1"; range="${2:-1-1024}"
start="${range%-*}"; end="${range#*-}"
p=$start
while [ "$p" -le "$end" ]; do
  nc -z -w1 "$host" "$p" 2>/dev/null && echo "$p open"
  p=$((p+1))
done
