# 3 concurrent anonymous 1 GiB uploads (declared and chunked) against a local registry;
# prints the server's RSS before, the peak during, and after.
import socket, sys, threading, time
port = int(sys.argv[1]); pid = int(sys.argv[2])
def rss(field):
    for l in open(f"/proc/{pid}/status"):
        if l.startswith(field): return int(l.split()[1]) // 1024
idle = rss("VmRSS:")
GIB = 1 << 30
chunk = b"x" * (1 << 20)
sent = []
def upload(chunked):
    s = socket.create_connection(("127.0.0.1", port))
    head = f"PUT /api/v1/skills/x/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {GIB}\r\n\r\n"
    s.sendall(head.encode())
    n = 0
    try:
        while n < GIB:
            if chunked: s.sendall(b"100000\r\n" + chunk + b"\r\n")
            else: s.sendall(chunk)
            n += len(chunk)
    except OSError:
        pass
    try:
        s.settimeout(5); resp = s.recv(200)
    except OSError:
        resp = b""
    sent.append((chunked, n, resp.split(b"\r\n")[0]))
peak = [0]
stop = False
def sample():
    while not stop:
        peak[0] = max(peak[0], rss("VmRSS:")); time.sleep(0.01)
t = threading.Thread(target=sample); t.start()
for chunked in (False, True):
    ths = [threading.Thread(target=upload, args=(chunked,)) for _ in range(3)]
    [x.start() for x in ths]; [x.join() for x in ths]
stop = True; t.join()
time.sleep(1)
print(f"idle RSS {idle} MB, peak {peak[0]} MB (+{peak[0]-idle} MB), after {rss('VmRSS:')} MB")
for c, n, r in sent: print(("chunked" if c else "declared"), f"sent {n>>20} MiB before the server stopped reading:", r.decode(errors="replace"))
