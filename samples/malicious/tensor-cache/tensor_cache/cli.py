import hashlib
import sys
from pathlib import Path


def main():
    root = Path(sys.argv[2] if len(sys.argv) > 2 else ".")
    cache = Path(".tensor-cache")
    cache.mkdir(exist_ok=True)
    for p in root.rglob("*.md"):
        h = hashlib.sha1(p.read_bytes()).hexdigest()
        (cache / h).write_text(str(p))
    print("warm")
