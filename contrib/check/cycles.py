#!/usr/bin/env python3
"""Fails if headers include each other in a circle.

Two graphs over the C sources of hub/ (with policy/ and cmd/), common/,
client/ and keys/:

  - includes: header A includes header B;
  - calls: file A calls a function that file B defines (and A does not
    define itself), which is what including B's header is for.

A strongly connected component of more than one file is a circle: those
files can only be understood, tested or moved together. The project's rule
is that headers never include each other in a circle: any such circle makes
this exit 1. Circles of calls are printed too; with --calls they fail as
well (the hub has none; libenlace's connection, requests, outbox and
deliveries still call each other, see README "Not yet").

    contrib/check/cycles.py [--calls] [SOURCE_ROOT]
"""
import os
import re
import sys

DIRS = ["hub", "common", "client", "keys"]
DEFINITION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(", re.M)
CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')


def sources(root):
    for d in DIRS:
        for base, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(base, f), root)


def strip(text):
    return STRING.sub('""', COMMENT.sub(" ", text))


def components(graph):
    """Tarjan's strongly connected components."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def main():
    args = sys.argv[1:]
    strict_calls = "--calls" in args
    args = [a for a in args if a != "--calls"]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..")
    files = list(sources(root))
    text = {f: strip(open(os.path.join(root, f), encoding="utf-8").read()) for f in files}
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)

    # Headers including headers (by file name, as the include paths find them).
    headers = {}
    for f in files:
        if f.endswith(".h"):
            headers[f] = set()
            for inc in INCLUDE.findall(open(os.path.join(root, f), encoding="utf-8").read()):
                for target in by_name.get(inc, []):
                    if target.endswith(".h") and target != f:
                        headers[f].add(target)

    # Files calling functions other files define.
    defined = {}
    for f in files:
        if f.endswith(".c"):
            for name in DEFINITION.findall(text[f]):
                defined.setdefault(name, set()).add(f)
    calls = {}
    for f in files:
        if not f.endswith(".c"):
            continue
        own = set(DEFINITION.findall(text[f]))
        calls[f] = set()
        for name in set(CALL.findall(text[f])) - own:
            for target in defined.get(name, ()):
                if target != f:
                    calls[f].add(target)

    bad = 0
    for kind, graph in (("includes", headers), ("calls", calls)):
        for comp in components(graph):
            fatal = kind == "includes" or strict_calls
            bad += fatal
            print("%scircle of %s: %s" % ("" if fatal else "(not an error) ", kind,
                                           " <-> ".join(comp)))
            for a in comp:
                for b in sorted(graph[a] & set(comp)):
                    print("    %s -> %s" % (a, b))
    if bad:
        print("%d circle(s) between source files: none is allowed" % bad)
        return 1
    print("no circles of includes between %d source files" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
