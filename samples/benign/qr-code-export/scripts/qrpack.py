"""Pack a file into QR-sized base32/base85 chunks and restore it."""
import base64
import hashlib
import sys

CHUNK = 1200
# A sample payload for the self-test: base32 of b"hello, qr code"
SELF_TEST = "NBSWY3DPFQQHC4RAMNXWIZI="
# A sample payload for the self-test: base85 of b"hello, qr code"
SELF_TEST_85 = "Xk~0{Z!92jav)=GWMu"


def pack(path, encoding="b32"):
    data = open(path, "rb").read()
    text = base64.b32encode(data) if encoding == "b32" else base64.b85encode(data)
    text = text.decode("ascii")
    digest = hashlib.sha256(data).hexdigest()
    print(f"# sha256 {digest}")
    for i in range(0, len(text), CHUNK):
        print(text[i : i + CHUNK])


def unpack(chunks_path, out_path, encoding="b32"):
    lines = [l.strip() for l in open(chunks_path) if l.strip() and not l.startswith("#")]
    text = "".join(lines)
    data = base64.b32decode(text) if encoding == "b32" else base64.b85decode(text)
    with open(out_path, "wb") as f:
        f.write(data)
    print("sha256", hashlib.sha256(data).hexdigest())


def self_test():
    assert base64.b32decode(SELF_TEST).decode() == "hello, qr code"
    assert base64.b85decode(SELF_TEST_85) == b"hello, qr code"


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "test"
    if cmd == "pack":
        pack(sys.argv[2])
    elif cmd == "unpack":
        unpack(sys.argv[2], sys.argv[3])
    else:
        self_test()
