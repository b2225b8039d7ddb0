#!/usr/bin/env python3
import socket
import ssl
import sys
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

import httpx


def cert_days(host, port=443):
    ctx = ssl.create_default_context()
    with socket.create_connection((host, port), timeout=5) as s:
        with ctx.wrap_socket(s, server_hostname=host) as t:
            exp = datetime.strptime(t.getpeercert()["notAfter"], "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc)
    return (exp - datetime.now(timezone.utc)).days


def main():
    urls = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
    bad = 0
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        for url in urls:
            t = time.perf_counter()
            try:
                r = client.get(url)
                ms = (time.perf_counter() - t) * 1000
                u = urlparse(url)
                extra = f" (cert {cert_days(u.hostname)} days)" if u.scheme == "https" else ""
                ok = r.status_code < 400
                bad += not ok
                print(f"{'OK ' if ok else 'ERR'} {r.status_code} {ms:.0f}ms {url}{extra}")
            except Exception as e:
                bad += 1
                print(f"ERR --- {url}: {e}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
