#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/.

Run once by hand when the wire format or a file format changes; the output
is checked in. Protobuf is encoded by hand (no generator needed): a field is
a varint key (number << 3 | wire type) followed by a varint or by a length
and bytes. Key file seeds are made with the real enlace-keygen:

    tests/fuzz/make_corpus.py build/keys/enlace-keygen
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def vfield(number, value):
    return varint(number << 3) + varint(value)


def lfield(number, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def content(topic, tlp=3, recipients=(), text="hola"):
    body = lfield(1, bytes(range(16)))          # message_id
    body += lfield(2, topic)                     # topic
    body += vfield(3, 1700000000123)             # created_ms
    body += lfield(4, bytes(32))                 # author_key
    body += vfield(5, tlp)                       # tlp
    for r in recipients:
        body += lfield(6, r)                     # recipients
    body += lfield(7, "text/plain; charset=utf-8")
    if text:                                     # proto3: an empty body is absent
        body += lfield(8, text)
    return body


def frame(request_id, body_field, body):
    return vfield(1, 1) + vfield(2, request_id) + lfield(body_field, body)


def write(sub, name, data):
    d = os.path.join(CORPUS, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frames():
    publish = lfield(1, content("consular/alerts")) + lfield(2, bytes(64))
    write("frame", "publish", frame(1, 11, publish))
    red = lfield(1, content("child/cases/GT", 5, ["ZMXV-CYH4-D57A-LJK6"])) + lfield(2, bytes(64))
    write("frame", "publish-red", frame(2, 11, red))
    write("frame", "subscribe", frame(3, 12, lfield(1, "consular/#") + vfield(2, 1)))
    write("frame", "hello", frame(4, 10, lfield(1, "enlace-cli/0.1") + vfield(2, 64)))
    delivery = (vfield(1, 42) + lfield(2, content("consular/niñez")) + lfield(3, bytes(64))
                + lfield(4, "ZMXV-CYH4-D57A-LJK6") + lfield(5, "Ana") + lfield(6, "MX")
                + vfield(7, 1700000000999))
    write("frame", "delivery", frame(0, 46, delivery))


def dispatch():
    """fuzz_dispatch: a sender byte (0 MX focal, 1 GT officer, 2 ST, 3 ST
    admin, 4 IOM observer, 5 unknown key), then frames, each a 2-byte
    little-endian header (the length; the top bit: the frame comes as the
    first part of a multipart message) and the bytes. A publish's signature
    starting with an even byte is replaced by the sender's own (and the
    author key too)."""
    def batch(sender, *frames_, multipart=()):
        out = bytes([sender])
        for i, f in enumerate(frames_):
            header = len(f) | (0x8000 if i in multipart else 0)
            out += header.to_bytes(2, "little") + f
        return out

    def publish(rid, c):
        return frame(rid, 11, lfield(1, c) + lfield(2, bytes(64)))

    def alert(topic, text="hola"):
        a = vfield(1, 2) + vfield(2, 1) + lfield(3, "MX") + lfield(3, "GT")
        a += lfield(4, "Menor no acompañado en el cruce") + lfield(11, "Tapachula")
        return content(topic, text=text) + lfield(9, a)

    write("dispatch", "publish-subscribe-history", batch(
        0, frame(3, 12, lfield(1, "consular/#") + vfield(2, 1)),
        publish(4, content("consular/alerts/MX")),
        frame(5, 17, lfield(1, "consular/#") + vfield(3, 10)),
        frame(6, 26, lfield(1, "hola") + vfield(3, 5)),
        frame(7, 14, vfield(1, 1))))
    write("dispatch", "red", batch(
        1, publish(3, content("consular/cases/GT", 5, ["ZMXV-CYH4-D57A-LJK6"]))))
    write("dispatch", "alert", batch(0, publish(3, alert("child/alerts/MX")),
                                     frame(4, 20, vfield(1, 1)), frame(5, 19, vfield(1, 1))))
    write("dispatch", "case", batch(
        0, frame(3, 22, lfield(1, "death") + lfield(2, "MX") + lfield(2, "GT")
                 + lfield(3, "caso")),
        frame(4, 24, b""), frame(5, 23, vfield(1, 1))))
    # Admin (31): officer_list (2), then an officer_join (5) of an unknown key.
    write("dispatch", "st-admin", batch(
        3, frame(3, 31, lfield(2, b"")),
        frame(4, 17, lfield(1, "#") + vfield(3, 3)),
        frame(5, 31, lfield(5, lfield(1, "ZMXV-CYH4-D57A-LJK6") + lfield(2, "child")
                               + lfield(3, "officer")))))
    write("dispatch", "observer", batch(
        4, frame(3, 12, lfield(1, "child/#")), publish(4, content("child/reports/IOM", 2))))
    write("dispatch", "unknown-key", batch(5, frame(3, 15, b"")))
    # The disclosure property: readers who may not see some of the set-up
    # archive's secrets read history and search for their marker words.
    write("dispatch", "gt-reads-secrets", batch(
        1, frame(3, 12, lfield(1, "consular/#") + vfield(2, 1)),
        frame(4, 17, lfield(1, "consular/#") + vfield(3, 50)),
        frame(5, 26, lfield(1, "zqleakmarkstrict8d2") + vfield(3, 5)),
        frame(6, 26, lfield(1, "zqleakmarkred5c1f") + vfield(3, 5))))
    write("dispatch", "observer-reads-secrets", batch(
        4, frame(3, 12, lfield(1, "child/#") + vfield(2, 1)),
        frame(4, 17, lfield(1, "child/#") + vfield(3, 50)),
        frame(5, 26, lfield(1, "zqleakmarkpersonal3b7") + vfield(3, 5)),
        frame(6, 24, b""), frame(7, 20, vfield(3, 50))))
    # Consultations: the board (ConsultQuery 32; ConsultShow 33 of the one
    # the set-up opened to the Troika, seq 5, and of 0, the PPT's draft) and
    # steps (Content.consult, 20) the MX focal point may not take: an
    # answer while it is with the Troika, an opening; the ST reads it.
    def consult_step(step, cid, stage=0, answer=0, tlp=3, to=()):
        k = vfield(1, step) + vfield(2, cid) + lfield(3, "zq titulo") + vfield(4, stage)
        k += vfield(5, answer)
        return content("crm/members/consult", tlp, to) + lfield(20, k)
    write("dispatch", "consult", batch(
        0, frame(3, 32, b""), frame(4, 33, vfield(1, 5)), frame(5, 33, b""),
        publish(6, consult_step(1, 5, 0, 1, 4, ["ZMXV-CYH4-D57A-LJK6"])),
        publish(7, consult_step(0, 0, 0, 0, 4, ["ZMXV-CYH4-D57A-LJK6"]))))
    write("dispatch", "st-reads-consult", batch(
        2, frame(3, 33, vfield(1, 5)), frame(4, 17, lfield(1, "crm/#") + vfield(3, 50)),
        frame(5, 26, lfield(1, "zqleakmarkctext2f9") + vfield(3, 5))))
    # Multipart messages are refused, and the session goes on: a ping, a
    # publish and a subscribe as first parts, then a ping on its own.
    write("dispatch", "multipart", batch(
        0, frame(3, 15, b""), publish(4, content("consular/alerts/MX")),
        frame(5, 12, lfield(1, "consular/#")), frame(6, 15, b""), multipart=(0, 1, 2)))
    # Two contents of one batch signed once (BatchProof, field 3): the
    # re-signing signs the root each one's audit path leads to.
    def batched(rid, c, index, size, path):
        proof = vfield(1, index) + vfield(2, size) + lfield(3, path)
        return frame(rid, 11, lfield(1, c) + lfield(2, bytes(64)) + lfield(3, proof))
    write("dispatch", "batch", batch(
        0, batched(3, content("consular/alerts/MX"), 0, 2, bytes(range(32))),
        batched(4, content("consular/cases/MX", text="adios"), 1, 2, bytes(range(32, 64))),
        batched(5, content("consular/cases/MX"), 2, 3, bytes(64))))
    # The CI finding: an empty body reaches the hub as data == NULL.
    write("dispatch", "empty-body", batch(
        0, publish(3, content("consular/alerts/MX", text="")),
        publish(4, alert("child/alerts/MX", text=""))))


def client():
    """fuzz_client: frames as the hub sends them. Signatures of 64 zero bytes
    (even) are replaced by a valid one of the harness's key."""
    def delivery(seq, c, oob=False):
        d = (vfield(1, seq) + lfield(2, c) + lfield(3, bytes(64))
             + lfield(4, "ZMXV-CYH4-D57A-LJK6") + lfield(5, "Ana") + lfield(6, "MX")
             + vfield(7, 1700000000999))
        return d + (vfield(8, 1) if oob else b"")

    def alert_content(topic, text="hola"):
        a = vfield(1, 2) + vfield(2, 1) + lfield(3, "MX") + lfield(3, "GT")
        a += lfield(4, "Menor no acompañado en el cruce") + lfield(11, "Tapachula")
        return content(topic, text=text) + lfield(9, a)

    target = (lfield(1, "GT") + lfield(2, "pending") + lfield(3, "") + lfield(4, "")
              + vfield(5, 0) + lfield(6, "") + vfield(7, 1) + vfield(8, 1700000900000))
    alert_a = vfield(1, 2) + vfield(2, 1) + lfield(3, "MX") + lfield(4, "Naufragio")
    status = (vfield(1, 7) + lfield(2, "consular/alerts/MX") + lfield(3, alert_a)
              + lfield(4, "Ana") + lfield(5, "ZMXV-CYH4-D57A-LJK6") + lfield(6, "MX")
              + vfield(7, 1700000000999) + vfield(9, 1) + lfield(10, target))
    case_info = (vfield(1, 3) + lfield(2, "death") + lfield(3, "consular") + lfield(4, "MX")
                 + lfield(4, "GT") + lfield(5, "Traslado") + lfield(6, "open")
                 + lfield(7, "Ana") + vfield(8, 1700000000000))
    event = vfield(1, 1700000000000) + lfield(2, "Ana") + lfield(3, "opened") + lfield(4, "")
    write("client", "delivery", frame(0, 46, delivery(42, content("consular/alerts/MX"))))
    write("client", "delivery-alert-oob",
          frame(0, 46, delivery(43, alert_content("child/alerts/MX"), oob=True)))
    proof = vfield(1, 1) + vfield(2, 3) + lfield(3, bytes(range(64)))
    write("client", "delivery-batch",
          frame(0, 46, delivery(45, content("consular/b/MX")) + lfield(9, proof)))
    write("client", "delivery-empty-body",
          frame(0, 46, delivery(44, content("consular/x/MX", text=""))))
    write("client", "history-page", frame(5, 47, lfield(1, delivery(1, content("consular/a")))
                                          + lfield(1, delivery(2, alert_content("consular/b")))
                                          + vfield(2, 2) + vfield(3, 1)))
    write("client", "alert-list", frame(6, 49, lfield(1, status)))
    write("client", "case-detail", frame(7, 52, lfield(1, case_info)
                                         + lfield(2, delivery(9, content("consular/c/MX", text="")))
                                         + lfield(3, status) + lfield(4, event)))
    write("client", "case-list", frame(8, 53, lfield(1, case_info)))
    write("client", "review-list", frame(9, 54, lfield(1, case_info) + lfield(2, status)))
    write("client", "error", frame(10, 45, vfield(1, 3) + lfield(2, "not a member")))
    officer = (vfield(1, 4) + lfield(2, "Ana") + lfield(3, "MX") + lfield(5, "focal")
               + lfield(6, "consular:focal") + lfield(6, "crm:focal")
               + lfield(7, "ZMXV-CYH4-D57A-LJK6") + vfield(10, 1700000000000))
    write("client", "admin-officers", frame(11, 55, lfield(2, lfield(1, officer))))
    count = lfield(1, "consular") + vfield(2, 14)
    hub = (lfield(1, "0.1.0") + vfield(2, 4242) + vfield(3, 1700000000000)
           + lfield(6, "tcp://127.0.0.1:7440") + vfield(7, 1) + lfield(10, count))
    write("client", "admin-status", frame(12, 55, lfield(10, vfield(1, 1) + lfield(3, hub)
                                                          + lfield(9, count))))


def topics():
    for name, pattern, topic in [
        ("hash", "consular/#", "consular/alerts"),
        ("plus", "+/b", "a/b"),
        ("middle", "a/+/c", "a/x/c"),
        ("utf8", "consular/niñez/#", "consular/niñez/México"),
        ("nomatch", "a/+", "a/b/c"),
    ]:
        write("topic", name, pattern.encode() + b"\xff" + topic.encode())


def profiles():
    write("profile", "basic", b"hub = tcp://127.0.0.1:7440\nhub_key = hub.public\n"
                              b"key = /home/ana/.config/enlace/ana.secret\n")
    write("profile", "comments", b"; enlace profile\n# comment\n[enlace]\n"
                                 b"hub=tcp://hub.example.org:7440 ; inline\n"
                                 b"hub_key = keys/hub.public\nkey = keys/me.secret\n")
    write("profile", "unknown", b"\xef\xbb\xbfhub = tcp://[::1]:7440\ncolour = red\n"
                                b"  continued line\nkey\n")


def keyfiles(keygen):
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run([keygen, os.path.join(tmp, "plain")], check=True,
                       stdout=subprocess.DEVNULL)
        pw = os.path.join(tmp, "pass")
        with open(pw, "w") as f:
            f.write("fuzz\n")
        env = dict(os.environ, ENLACE_PASSPHRASE_FILE=pw)
        subprocess.run([keygen, "--passphrase", os.path.join(tmp, "sealed")], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        for src, dst in [("plain.secret", "plain.secret"), ("plain.public", "plain.public"),
                         ("sealed.secret", "sealed.secret")]:
            with open(os.path.join(tmp, src), "rb") as f:
                write("keyfile", dst, f.read())
    finally:
        shutil.rmtree(tmp)


def etcd():
    """Answers of etcd 3.4's v3 gateway as the hub's cluster client gets them
    (first byte: the kind of answer, etcd.h's etcd_kind_t order)."""
    import base64
    b = lambda x: base64.b64encode(x if isinstance(x, bytes) else x.encode()).decode()
    header = '"header":{"cluster_id":"15276262748873838274","member_id":"13510015062231200447",' \
             '"revision":"42","raft_term":"2"}'
    kv = lambda k, v, c=7: ('{"key":"%s","create_revision":"%d","mod_revision":"9",'
                            '"version":"1","value":"%s","lease":"3656819863651971847"}'
                            % (b(k), c, b(v)))
    answers = {
        "range": (0, '{%s,"kvs":[%s,%s],"more":true,"count":"5"}'
                  % (header, kv("/enlace/crm/log/00000000000000000001", bytes(200)),
                     kv("/enlace/crm/log/00000000000000000002", b"\x00" * 3))),
        "range-empty": (0, '{%s}' % header),
        "txn-ok": (1, '{%s,"succeeded":true,"responses":[{"response_put":{"header":'
                   '{"revision":"42"}}}]}' % header),
        "txn-failed": (1, '{%s,"responses":[{"response_range":{"header":{"revision":"42"},'
                       '"kvs":[%s],"count":"1"}},{"response_range":{"header":{},'
                       '"kvs":[%s],"count":"1"}}]}'
                       % (header, kv("/enlace/crm/log/00000000000000000003", "x"),
                          kv("/enlace/crm/leader", '{"node":"n2","client":"tcp://h2:7440"}'))),
        "txn-delete": (1, '{%s,"succeeded":true,"responses":[{"response_delete_range":'
                       '{"header":{},"deleted":"17"}}]}' % header),
        "delete": (2, '{%s,"deleted":"3"}' % header),
        "lease-grant": (3, '{%s,"ID":"3656819863651971845","TTL":"2"}' % header),
        "keepalive": (4, '{"result":{%s,"ID":"3656819863651971847","TTL":"2"}}' % header),
        "keepalive-expired": (4, '{"result":{%s,"ID":"3656819863651971847"}}' % header),
        "status": (5, '{%s,"version":"3.4.23","dbSize":"24576","leader":"16322613195064898111",'
                   '"raftIndex":"15","raftTerm":"2","raftAppliedIndex":"15",'
                   '"dbSizeInUse":"16384"}' % header),
        "error": (6, '{"error":"etcdserver: request is too large","message":"etcdserver: '
                  'request is too large","code":3}'),
    }
    for name, (kind, text) in answers.items():
        write("etcd", name, bytes([kind]) + text.encode())


def entries():
    """Log entries (hub/cluster/entry.h) with a signature that does not
    verify: the fuzzer explores the decoder, never the apply."""
    import struct
    def text(seq, headline, body):
        h, b = headline.encode(), body.encode()
        return struct.pack(">QI", seq, len(h)) + h + struct.pack(">I", len(b)) + b
    def entry(index, changes, texts=b"", before_id=5, after_id=7):
        head = b"enlace-entry-v1\x00"
        head += struct.pack(">QQIQ", index, 42, 9, 1763700000000)
        head += struct.pack(">Q", before_id) + bytes(32)
        head += struct.pack(">Q", after_id) + bytes(range(32))
        head += struct.pack(">II", len(changes), len(texts)) + bytes(4)
        return head + changes + texts + bytes(64)
    write("entry", "empty", entry(1, b""))
    write("entry", "changes", entry(2, b"T\x02\x01\x00messages\x00" + bytes(40)))
    write("entry", "bad-length", entry(3, b"abc")[:-1])
    write("entry", "texts", entry(4, b"T\x02\x01\x00messages\x00" + bytes(40),
                                  text(17, "Huracán", "evacuación del consulado")
                                  + text(18, "", "")))
    write("entry", "text-cut", entry(5, b"", text(19, "Sismo", "réplicas")[:-3]))


if __name__ == "__main__":
    etcd()
    entries()
    frames()
    dispatch()
    client()
    topics()
    profiles()
    if len(sys.argv) > 1:
        keyfiles(sys.argv[1])
