// Real, decodable media bytes built in code (no binary fixtures): a PNG (zlib + CRC), a
// baseline JPEG (one 8x8 grey block, optionally padded with COM segments to reach a size,
// because clients classify Imagine finals by base64 length), and an MP4-looking file.

import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A solid-colour RGB PNG of `width` x `height`. */
export function makePng(width: number, height: number, rgb: [number, number, number] = [200, 60, 40]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** Huffman table with a single 1-bit code ("0") for `symbol`: enough for one uniform block. */
function oneSymbolHuffman(tableClassAndId: number, symbol: number): Buffer {
  const counts = Buffer.alloc(16);
  counts[0] = 1;
  return segment(0xc4, Buffer.concat([Buffer.from([tableClassAndId]), counts, Buffer.from([symbol])]));
}

/** Entropy-coded data for one 8x8 block: DC code "0", the DC magnitude bits, EOB code "0". */
function scanData(dc: number, category: number): Buffer {
  let bits = '0';
  if (category > 0) {
    const v = dc > 0 ? dc : dc + (1 << category) - 1;
    bits += v.toString(2).padStart(category, '0');
  }
  bits += '0';
  while (bits.length % 8 !== 0) bits += '1';
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = Number.parseInt(bits.slice(i, i + 8), 2);
    out.push(byte);
    if (byte === 0xff) out.push(0x00); // byte stuffing
  }
  return Buffer.from(out);
}

/**
 * A valid baseline greyscale JPEG (8x8, uniform `grey`), padded with COM segments so the
 * file is at least `minBytes` long.
 */
export function makeJpeg(minBytes = 0, grey = 160): Buffer {
  const dc = (Math.max(0, Math.min(255, grey)) - 128) * 8; // uniform block, quantiser 1
  const category = dc === 0 ? 0 : Math.floor(Math.log2(Math.abs(dc))) + 1;
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  const parts = [
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfif),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    oneSymbolHuffman(0x00, category),
    oneSymbolHuffman(0x10, 0x00),
    segment(0xda, sos),
    scanData(dc, category),
    Buffer.from([0xff, 0xd9]),
  ];
  let size = parts.reduce((n, p) => n + p.length, 0);
  const comments: Buffer[] = [];
  const filler = Buffer.from('fake-grok padding. ');
  while (size < minBytes) {
    const len = Math.min(65533, Math.max(1, minBytes - size - 4));
    const body = Buffer.alloc(len);
    for (let i = 0; i < len; i += filler.length) filler.copy(body, i, 0, Math.min(filler.length, len - i));
    comments.push(segment(0xfe, body));
    size += len + 4;
  }
  // COM segments go after APP0 (JFIF wants APP0 first).
  return Buffer.concat([parts[0] as Buffer, parts[1] as Buffer, ...comments, ...parts.slice(2)]);
}

function box(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

/** An ISO-BMFF file (ftyp + free + mdat) that looks like an MP4 to sniffers; not playable. */
export function makeMp4(totalBytes = 48 * 1024): Buffer {
  const ftyp = box('ftyp', Buffer.concat([
    Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41'),
  ]));
  const free = box('free', Buffer.from('fake-grok video'));
  const payload = Buffer.alloc(Math.max(16, totalBytes - ftyp.length - free.length - 8));
  let x = 0x2545f491; // xorshift: deterministic, incompressible-looking bytes
  for (let i = 0; i < payload.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    payload[i] = x & 0xff;
  }
  return Buffer.concat([ftyp, free, box('mdat', payload)]);
}
