#!/usr/bin/env python3
"""The .evtx test fixtures (test/fixtures/evtx/README.md says where the samples come from).

  python3 scripts/evtx-fixtures.py trim SRC.evtx DST.evtx N
      DST is SRC's file header and first N chunks, with the header's chunk count, last chunk,
      next record id and CRC32 set to match: a smaller, still valid .evtx file.
  python3 scripts/evtx-fixtures.py reference FILE.evtx OUT.jsonl.gz
      evtx_dump's output for FILE (`evtx_dump -o jsonl`, one record's document per line, exactly
      the document `evtx_dump -o json` pretty-prints), evtx_dump being built by
      scripts/ensure-evtx-dump.sh.
"""
import gzip
import os
import struct
import subprocess
import sys
import zlib

FILE_HEADER = 4096
CHUNK = 65536
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def trim(src: str, dst: str, n: int) -> None:
    with open(src, 'rb') as f:
        data = f.read(FILE_HEADER + n * CHUNK)
    header = bytearray(data[:FILE_HEADER])
    last_chunk = data[FILE_HEADER + (n - 1) * CHUNK:FILE_HEADER + n * CHUNK]
    assert last_chunk[:8] == b'ElfChnk\0', 'chunk N-1 is not a chunk'
    last_record_id = struct.unpack_from('<Q', last_chunk, 32)[0]
    struct.pack_into('<Q', header, 16, n - 1)  # last chunk number
    struct.pack_into('<Q', header, 24, last_record_id + 1)  # next record id
    struct.pack_into('<H', header, 42, n)  # number of chunks
    struct.pack_into('<I', header, 124, zlib.crc32(bytes(header[:120])))
    with open(dst, 'wb') as f:
        f.write(bytes(header) + data[FILE_HEADER:])


def reference(path: str, out: str) -> None:
    dump = subprocess.run(['bash', os.path.join(ROOT, 'scripts/ensure-evtx-dump.sh')], check=True, capture_output=True, text=True).stdout.strip()
    # One thread: records in file order.
    lines = subprocess.run([dump, '-t', '1', '-o', 'jsonl', path], check=True, capture_output=True).stdout
    with gzip.GzipFile(out, 'wb', compresslevel=9, mtime=0) as f:
        f.write(lines)


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'trim' and len(sys.argv) == 5:
        trim(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'reference' and len(sys.argv) == 4:
        reference(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
