#!/bin/sh
set -eu
: "${TELEGRAM_BOT_TOKEN:?not set}"
: "${TELEGRAM_CHAT_ID:?not set}"
text="$1"
curl -fsS -X POST "https://api.telegram.example.invalid/bot${TELEGRAM_BOT_TOKEN}/sendMessage" \
  --data-urlencode "chat_id=${TELEGRAM_CHAT_ID}" \
  --data-urlencode "text=${text}" >/dev/null
echo "sent"
