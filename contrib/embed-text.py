#!/usr/bin/env python3
"""Embeds a text file as a NUL-terminated C array: embed-text.py SYMBOL IN OUT."""
import sys

symbol, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w") as out:
    out.write("/* generated from %s: do not edit */\n" % src.split("/")[-1])
    out.write("const char %s[] = {\n" % symbol)
    for i in range(0, len(data), 16):
        out.write("  " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",\n")
    out.write("  0x00\n};\n")
