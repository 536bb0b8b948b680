#!/usr/bin/env python3
"""prom_check.py: checks Prometheus text exposition format 0.0.4 on stdin.

Every sample's family has exactly one HELP and one TYPE line, before its
samples; names and label names are valid; label values are quoted and
escaped; values are numbers; counters end in _total; no sample is repeated.
Then each argument is checked against the samples:

    NAME=VALUE           e.g. enlace_up=1, enlace_x{network="crm"}=1
    NAME>=VALUE          at least VALUE
    !NAME                no sample of that family at all

Exits 0 if everything holds, else prints why and exits 1.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$"
                    % (NAME, LABEL, LABEL))


def fail(why):
    print("prom_check: " + why)
    sys.exit(1)


def main():
    helps, types, samples = {}, {}, {}
    for n, line in enumerate(sys.stdin.read().splitlines(), 1):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if name in helps:
                fail("line %d: a second HELP for %s" % (n, name))
            helps[name] = n
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("gauge", "counter"):
                fail("line %d: bad TYPE line: %r" % (n, line))
            if parts[2] in types:
                fail("line %d: a second TYPE for %s" % (n, parts[2]))
            if parts[3] == "counter" and not parts[2].endswith("_total"):
                fail("line %d: counter %s does not end in _total" % (n, parts[2]))
            types[parts[2]] = n
        elif line.startswith("#") or not line:
            fail("line %d: unexpected line: %r" % (n, line))
        else:
            m = SAMPLE.match(line)
            if not m:
                fail("line %d: not a sample: %r" % (n, line))
            family = m.group(1)
            if family not in types or family not in helps:
                fail("line %d: %s has no HELP or TYPE before it" % (n, family))
            key = family + (m.group(2) or "")
            if key in samples:
                fail("line %d: %s twice" % (n, key))
            samples[key] = float(m.group(3))
    for want in sys.argv[1:]:
        if want.startswith("!"):
            if any(k == want[1:] or k.startswith(want[1:] + "{") for k in samples):
                fail("%s should not be there" % want[1:])
            continue
        op = ">=" if ">=" in want else "="
        key, value = want.rsplit(op, 1)  # label values hold "=" too
        if key not in samples:
            fail("no sample %s (have: %s)" % (key, ", ".join(sorted(samples))))
        got = samples[key]
        if (op == "=" and got != float(value)) or (op == ">=" and got < float(value)):
            fail("%s is %g, want %s %s" % (key, got, op, value))
    print("prom_check: %d samples of %d families, %d checks ok"
          % (len(samples), len(types), len(sys.argv) - 1))


if __name__ == "__main__":
    main()
