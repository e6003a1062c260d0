// Strict reading of a bundle's bytes (docs/bundle.md, "Reading a bundle"), in this order:
// size; printable 7-bit ASCII (no byte-order mark, no line break, no trailing byte);
// JSON; format and version; every field; the bytes are exactly the canonical JSON of what
// they hold. The first problem is reported, naming the byte or field. Parsing proves
// nothing about where a bundle came from: verifyBundle checks the signature.
import { canonicalJson } from '../../quorum/canonical-json';
import { fromBase64Strict, sha256Hex } from '../../quorum/bytes';
import { canonicalMismatch } from './canonical-form';
import type { BundleSignature } from './encode';
import { bundleError, malformed, REFUSE_DAMAGED } from './errors';
import { describeFirstIssue } from './issues';
import { BUNDLE_FORMAT, BUNDLE_VERSION, BundleSchema, MAX_BUNDLE_BYTES, type BundleDocument, type BundleManifest } from './schema';

export interface ParsedBundle {
  document: BundleDocument;
  manifest: BundleManifest;
  signature: BundleSignature;
  /** The bundle's bytes (a copy). */
  bytes: Uint8Array;
  /** SHA-256 of the bytes, lower-case hex: the bundle's name in transcripts and import records. */
  sha256: string;
}

const NAMED_BYTES: Record<number, string> = { 0x09: 'a tab', 0x0a: 'a line feed', 0x0d: 'a carriage return', 0x00: 'a NUL byte', 0x7f: 'a DEL byte' };

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  const name = NAMED_BYTES[byte] ?? (byte >= 0x80 ? 'outside 7-bit ASCII' : 'a control character');
  return `${hex} (${name})`;
}

function checkBytes(bytes: Uint8Array): void {
  if (bytes.length === 0) throw malformed('byte 0', 'the bundle is empty');
  if (bytes.length > MAX_BUNDLE_BYTES) throw malformed(`byte ${MAX_BUNDLE_BYTES}`, `the bundle is ${bytes.length} bytes; a bundle has at most ${MAX_BUNDLE_BYTES}`);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw malformed('byte 0', 'the bundle starts with a UTF-8 byte-order mark; a bundle is plain ASCII without one (an editor may have added it)');
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) {
      const trailing = i === bytes.length - 1 && (b === 0x0a || b === 0x0d);
      throw malformed(`byte ${i}`, `found ${describeByte(b)}; a bundle is printable 7-bit ASCII on one line${trailing ? ', without a newline at the end' : ''}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8 may quote a stretch of the text after the token; the token and position suffice.
    const detail = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 160);
    throw malformed('the top level', `the bytes are not valid JSON (${detail})`);
  }
}

/** Reads a bundle strictly; throws BUNDLE_MALFORMED, BUNDLE_VERSION_UNSUPPORTED or BUNDLE_NOT_CANONICAL naming what is wrong. */
export function parseBundle(input: Uint8Array): ParsedBundle {
  if (!(input instanceof Uint8Array)) throw malformed('the top level', 'expected the bundle as bytes');
  const bytes = Uint8Array.from(input);
  checkBytes(bytes);
  const text = Buffer.from(bytes).toString('latin1');
  const value = parseJson(text);
  if (!isObject(value)) throw malformed('the top level', 'expected a JSON object');
  if (value.format !== BUNDLE_FORMAT) {
    throw malformed('format', `${'format' in value ? 'expected' : 'missing; expected'} "${BUNDLE_FORMAT}": this is not a Conclave key bundle`);
  }
  if (value.version !== BUNDLE_VERSION) {
    if (typeof value.version === 'number' && Number.isSafeInteger(value.version) && value.version > BUNDLE_VERSION) {
      throw bundleError(
        'BUNDLE_VERSION_UNSUPPORTED',
        `The key bundle is format version ${value.version}; this Conclave reads version ${BUNDLE_VERSION} only.`,
        'Use a Conclave release that reads this bundle version, or ask the ceremony team for a version 1 bundle.',
      );
    }
    throw malformed('version', `expected ${BUNDLE_VERSION}`);
  }
  const parsed = BundleSchema.safeParse(value);
  if (!parsed.success) {
    const { path, problem } = describeFirstIssue(parsed.error, value);
    throw malformed(path, problem);
  }
  const mismatch = canonicalMismatch(text, canonicalJson(value));
  if (mismatch) {
    const where =
      mismatch.expected === 'the end of the bundle'
        ? `after the end of the bundle's JSON (byte ${mismatch.offset}) there ${text.length - mismatch.offset === 1 ? 'is 1 more byte' : `are ${text.length - mismatch.offset} more bytes`}`
        : `at byte ${mismatch.offset} (in ${mismatch.field}) the canonical form has ${mismatch.expected} where the bundle has ${mismatch.found}`;
    throw bundleError(
      'BUNDLE_NOT_CANONICAL',
      `The key bundle's bytes are not in canonical form: ${where}. A bundle is written once, with sorted keys and no spaces, and never reformatted.`,
      REFUSE_DAMAGED,
    );
  }
  const document = parsed.data;
  const signatureValue = fromBase64Strict(document.signature.value);
  if (!signatureValue) throw malformed('signature.value', 'expected canonical base64');
  return {
    document,
    manifest: document.manifest,
    signature: { algorithm: document.signature.algorithm, value: signatureValue },
    bytes,
    sha256: sha256Hex(bytes),
  };
}
