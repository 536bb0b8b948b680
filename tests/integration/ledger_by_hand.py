#!/usr/bin/env python3
# The "by hand" recipe at the top of hub/ledger.c, as a script: checks the
# ledger chain and every message's content hash of an archive without any
# enlace code, and prints the head. The integration tests run it so the
# documented format and the code cannot drift apart.
#
#   python3 ledger_by_hand.py DATA/archive.db
import hashlib
import sqlite3
import struct
import sys

H = lambda b: hashlib.blake2b(b, digest_size=32).digest()


def F(v):
    if v is None:
        return b'n'
    if isinstance(v, int):
        return b'i' + struct.pack('>q', v)
    v = v.encode() if isinstance(v, str) else v
    return b'b' + struct.pack('>I', len(v)) + v


db = sqlite3.connect('file:%s?mode=ro' % sys.argv[1], uri=True)
prev = bytes(32)
for id, kind, ref, ts, ch, ph, h in db.execute('SELECT * FROM ledger ORDER BY id'):
    assert ph == prev and h == H(b''.join(map(F, (prev, kind, ref, ts, ch)))), id
    prev = h
for row in db.execute('SELECT seq, msg_id, topic, network, author_id, tlp,'
                      ' recipients, created_ms, stored_ms, content, signature FROM messages'):
    (ch,) = db.execute("SELECT content_hash FROM ledger WHERE kind = 'message'"
                       ' AND ref = ?', (row[0],)).fetchone()
    assert ch == H(b''.join(map(F, ('message',) + row))), row[0]
print(prev.hex())
