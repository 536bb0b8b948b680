#!/usr/bin/python3
# Checks one message's signature as a third party would, from what enlace
# hands out (an `enlace-hub export` line, or the parameters of a CAP
# document), with no enlace code: PyNaCl for Ed25519, hashlib for the Merkle
# audit path (common/merkle.h, PROTOCOL.md "Signatures").
#
#   check_signature.py export < lines.jsonl      every line's signature
#   check_signature.py cap FILE.xml              the CAP alert's signature
#
# Prints "N verified (A alone, B in batches)" and exits 0, or names the first
# message that does not verify and exits 1.
import base64
import hashlib
import json
import struct
import sys
import xml.etree.ElementTree as ET

import nacl.exceptions
import nacl.signing

H = lambda b: hashlib.blake2b(b, digest_size=32).digest()


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7f) << shift
        shift += 7
        if c < 0x80:
            return v, i


def author_key(content):
    """Content field 4 (author_key), read from the protobuf bytes by hand."""
    i = 0
    while i < len(content):
        key, i = varint(content, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            _, i = varint(content, i)
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        elif wt == 2:
            n, i = varint(content, i)
            if num == 4:
                return content[i:i + n]
            i += n
        else:
            raise ValueError('wire type %d' % wt)
    raise ValueError('no author key')


def root_of_path(leaf, index, size, path):
    """RFC 9162 section 2.1.3.2, or None if the path does not fit."""
    if not 0 < size <= 256 or index >= size or len(path) % 32:
        return None
    fn, sn, r = index, size - 1, leaf
    for k in range(0, len(path), 32):
        p = path[k:k + 32]
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = H(b'\x01' + p + r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = H(b'\x01' + r + p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify(content, sig, batch):
    """batch: None, or (size, index, path bytes)."""
    if batch is None:
        signed = b'enlace-content-v1\x00' + content
    else:
        size, index, path = batch
        root = root_of_path(H(b'\x00' + content), index, size, path)
        if root is None:
            return False
        signed = b'enlace-batch-v1\x00' + struct.pack('>I', size) + root
    try:
        nacl.signing.VerifyKey(author_key(content)).verify(signed, sig)
        return True
    except (nacl.exceptions.BadSignatureError, ValueError):
        return False


def main():
    alone = batched = 0
    items = []
    if sys.argv[1] == 'export':
        for line in sys.stdin:
            o = json.loads(line)
            b = o.get('batch')
            items.append(('seq %d' % o['seq'], base64.b64decode(o['content']),
                          bytes.fromhex(o['signature']),
                          (b['size'], b['index'], bytes.fromhex(b['path'])) if b else None))
    elif sys.argv[1] == 'cap':
        ns = {'cap': 'urn:oasis:names:tc:emergency:cap:1.2'}
        root = ET.parse(sys.argv[2]).getroot()
        params = {}
        for p in root.findall('cap:info/cap:parameter', ns):
            params.setdefault(p.find('cap:valueName', ns).text, p.find('cap:value', ns).text)
        b = params.get('enlaceBatch')
        if b:
            size, index, path = (b.split(' ') + [''])[:3]
            b = (int(size), int(index), bytes.fromhex(path))
        items.append((root.find('cap:identifier', ns).text,
                      base64.b64decode(params['enlaceSignedContent']),
                      bytes.fromhex(params['enlaceSignature']), b))
    else:
        sys.exit('usage: check_signature.py export | cap FILE')
    for name, content, sig, batch in items:
        if not verify(content, sig, batch):
            print('%s: the signature does not verify' % name)
            sys.exit(1)
        if batch:
            batched += 1
        else:
            alone += 1
    print('%d verified (%d alone, %d in batches)' % (alone + batched, alone, batched))


if __name__ == '__main__':
    main()
