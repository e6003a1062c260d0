// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), which Uniform Resources use twice: as
// the checksum appended to every Bytewords string, and as the checksum of the whole
// message a fountain-coded sequence carries. Written out here (not node:zlib) so the
// codec needs nothing from Node and runs the same wherever it is bundled.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC-32 as four big-endian bytes, as Bytewords appends it. */
export function crc32Bytes(bytes: Uint8Array): Uint8Array {
  return uint32BigEndian(crc32(bytes));
}

export function uint32BigEndian(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}
