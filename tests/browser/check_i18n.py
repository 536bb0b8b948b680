#!/usr/bin/env python3
"""check_i18n: the web console's translations (web/i18n/*.json) hold the
same keys, none empty, and every key a script or the page names literally
(t('key'), data-i18n="key") is there. Usage: check_i18n.py WEB_DIR"""
import glob
import json
import os
import re
import sys

web = sys.argv[1]
langs = {}
for path in sorted(glob.glob(os.path.join(web, "i18n", "*.json"))):
    with open(path, encoding="utf-8") as f:
        langs[os.path.basename(path)[:-5]] = json.load(f)
problems = []
if set(langs) != {"es", "en"}:
    problems.append("expected i18n/es.json and i18n/en.json, found %s" % sorted(langs))
keys = set().union(*[set(d) for d in langs.values()]) if langs else set()
for lang, d in langs.items():
    for k in sorted(keys - set(d)):
        problems.append("%s.json lacks %s" % (lang, k))
    for k, v in d.items():
        if not isinstance(v, str) or not v.strip():
            problems.append("%s.json: %s is empty" % (lang, k))
used = set()
for path in glob.glob(os.path.join(web, "js", "**", "*.js"), recursive=True):
    with open(path, encoding="utf-8") as f:
        used |= set(re.findall(r"\bt\('([a-z][a-z0-9_]*(?:\.[a-z0-9_+-]+)+)'", f.read()))
for path in glob.glob(os.path.join(web, "*.html")):
    with open(path, encoding="utf-8") as f:
        used |= set(re.findall(r'data-i18n="([a-z0-9_.]+)"', f.read()))
for k in sorted(used - keys):
    problems.append("the page uses %s, which no translation has" % k)
for p in problems:
    print("check_i18n: " + p, file=sys.stderr)
print("check_i18n: %d keys in %d languages, %d used literally, %d problems"
      % (len(keys), len(langs), len(used), len(problems)))
sys.exit(1 if problems else 0)
