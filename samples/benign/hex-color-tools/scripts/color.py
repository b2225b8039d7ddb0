#!/usr/bin/env python3
import colorsys
import sys


def parse(h):
    h = h.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = bytes.fromhex(h)
    return r, g, b


def to_hex(rgb):
    return "#" + bytes(int(max(0, min(255, round(c)))) for c in rgb).hex()


def luminance(rgb):
    def ch(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(parse(a)), luminance(parse(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


cmd = sys.argv[1]
if cmd == "convert":
    rgb = parse(sys.argv[2])
    h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    print(f"rgb{rgb}  hsl({h*360:.0f}, {s*100:.0f}%, {l*100:.0f}%)")
elif cmd == "contrast":
    r = contrast(sys.argv[2], sys.argv[3])
    print(f"{r:.2f}:1  AA {'pass' if r >= 4.5 else 'fail'}  AAA {'pass' if r >= 7 else 'fail'}")
elif cmd == "palette":
    rgb = parse(sys.argv[2])
    h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    n = int(sys.argv[3])
    for i in range(n):
        li = 0.15 + 0.7 * i / max(1, n - 1)
        print(to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, li, s))))
