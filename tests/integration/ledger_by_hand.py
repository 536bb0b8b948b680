#!/usr/bin/python3
# The "by hand" recipe at the top of hub/cmd/ledger.c, as a script: checks
# the ledger chain and every message's record hash of an archive without any
# enlace code, then every message's signature: the key inside the signed
# Content (protobuf field 4, read here by hand), over "enlace-content-v1\0"
# || content for a message signed alone, or over "enlace-batch-v1\0" ||
# size || root for one signed as one of a batch, the root rebuilt from the
# message's leaf, index and audit path (common/merkle.h). Prints the head and
# how many messages were signed alone and in batches. The integration tests
# run it so the documented format and the code cannot drift apart.
#
#   /usr/bin/python3 ledger_by_hand.py DATA/archive.db
#
# Needs PyNaCl (Debian: python3-nacl) for Ed25519; the signature check is
# check_signature.py's, beside this file.
import hashlib
import os
import sqlite3
import struct
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_signature import verify  # noqa: E402 (PyNaCl, and the Merkle path by hand)

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
alone = batched = 0
for row in db.execute('SELECT seq, msg_id, topic, network, author_id, tlp,'
                      ' recipients, created_ms, stored_ms, content, signature,'
                      ' batch_size, batch_index, batch_path FROM messages'):
    (ch,) = db.execute("SELECT content_hash FROM ledger WHERE kind = 'message'"
                       ' AND ref = ?', (row[0],)).fetchone()
    fields = row[:11] + (row[11:] if row[11] else ())
    assert ch == H(b''.join(map(F, ('message',) + fields))), row[0]
    content, sig, size, index, path = row[9], row[10], row[11], row[12], row[13]
    batch = (size, index, path or b'') if size else None
    assert verify(content, sig, batch), 'seq %d: the signature does not verify' % row[0]
    if batch:
        batched += 1
    else:
        alone += 1
print(prev.hex())
print('signatures: %d alone, %d in batches' % (alone, batched), file=sys.stderr)
