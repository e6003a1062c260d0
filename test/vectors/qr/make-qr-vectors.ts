// Writes the QR transport test vectors (test/vectors/qr/*.json, docs/qr-transport.md):
// fixed payloads and their exact frame texts, one static and one animated, plus frames a
// receiver must refuse and why. test/unit/qr/qr-vectors.test.ts checks that the encoder
// still produces exactly these texts and the decoder reads and refuses them as listed.
// Run: node --import tsx test/vectors/qr/make-qr-vectors.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBytes } from '../../../main/qr/cbor';
import { crc32 } from '../../../main/qr/crc32';
import { chooseFragments, encodePart, fountainParts } from '../../../main/qr/fountain';
import { BUNDLE_UR_TYPE, qrFramesFor, type QrFrames } from '../../../main/qr/frames';
import { multiPartUr, parseUr } from '../../../main/qr/ur';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The animated vector's payload: byte i is (37 i + 11) mod 256, simple to rebuild anywhere. */
export function animatedPayload(): Uint8Array {
  return Uint8Array.from({ length: 1200 }, (_, i) => (37 * i + 11) & 0xff);
}
export function staticPayload(): Uint8Array {
  return new TextEncoder().encode('Conclave QR transport vector: this payload fits one static code.');
}

function describe(payload: Uint8Array, frames: QrFrames, description: string) {
  const message = encodeBytes(payload);
  return {
    description,
    urType: frames.type,
    payloadHex: hex(payload),
    payloadSha256: sha256(payload),
    messageCborHex: hex(message),
    messageCrc32: crc32(message),
    staticFrame: frames.staticFrame,
    fragments: frames.fragments,
    fragmentLength: frames.fragmentLength,
    frames: frames.texts.map((text, i) => {
      const parsed = parseUr(text);
      return parsed.kind === 'single'
        ? { frame: i + 1, text }
        : { frame: i + 1, text, seqNum: parsed.part.seqNum, fragmentIndexes: chooseFragments(parsed.part.seqNum, parsed.part.seqLen, parsed.part.checksum).sort((a, b) => a - b), partCborHex: hex(encodePart(parsed.part)) };
    }),
  };
}

function flip(text: string, at: number, to: string): string {
  return text.slice(0, at) + to + text.slice(at + 1);
}

const dir = import.meta.dirname;
const staticFrames = qrFramesFor(staticPayload());
const animated = qrFramesFor(animatedPayload());
writeFileSync(join(dir, 'static.json'), `${JSON.stringify(describe(staticPayload(), staticFrames, 'A payload small enough for one static code: a single-part UR.'), null, 2)}\n`);
writeFileSync(join(dir, 'animated.json'), `${JSON.stringify(describe(animatedPayload(), animated, 'A 1200-byte payload as fountain-coded frames; frames 1..fragments are the plain fragments.'), null, 2)}\n`);

const first = animated.texts[0]!;
const body = first.lastIndexOf('/') + 1;
const otherPayload = Uint8Array.from(animatedPayload(), (b) => b ^ 0x5a);
const otherMessage = qrFramesFor(otherPayload).texts[1]!;
const message = encodeBytes(animatedPayload());
const realPart = fountainParts(message, animated.fragmentLength, 2, 2)[0]!;
const refused = {
  description: 'Frames a receiver must refuse. Feed `before` (texts of animated.json by frame number) first, then `text`; the outcome must be a refusal with `code`.',
  cases: [
    { name: 'one letter of the content changed', before: [], text: flip(first, body + 10, first[body + 10] === 'A' ? 'E' : 'A'), code: 'DAMAGED' },
    { name: 'the last letter (part of the checksum) changed', before: [], text: flip(first, first.length - 1, first.endsWith('Y') ? 'D' : 'Y'), code: 'DAMAGED' },
    { name: 'sequence number changed in the text only', before: [], text: first.replace('/1-', '/2-'), code: 'DAMAGED' },
    { name: 'one letter in lower case', before: [], text: flip(first, body + 4, first[body + 4]!.toLowerCase()), code: 'DAMAGED' },
    { name: 'a letter missing', before: [], text: first.slice(0, body + 6) + first.slice(body + 7), code: 'DAMAGED' },
    { name: 'the same part under the UR type "bytes"', before: [], text: first.replace(`UR:${BUNDLE_UR_TYPE.toUpperCase()}/`, 'UR:BYTES/'), code: 'WRONG_TYPE' },
    { name: 'a frame of another message (different checksum)', before: [1], text: otherMessage, code: 'OTHER_MESSAGE' },
    {
      name: 'a well-formed part whose fragment count cannot hold its message length',
      before: [],
      text: multiPartUr(BUNDLE_UR_TYPE, { ...realPart, seqLen: realPart.seqLen - 1 }).toUpperCase(),
      code: 'INCONSISTENT',
    },
    { name: 'not a UR at all', before: [], text: 'HTTPS://EXAMPLE.COM/', code: 'NOT_UR' },
  ],
};
writeFileSync(join(dir, 'refused.json'), `${JSON.stringify(refused, null, 2)}\n`);
console.log(`static: ${staticFrames.texts.length} frame; animated: ${animated.texts.length} frames of ${animated.fragments} fragments`);
