// Uniform Resource text (BCR-2020-005): "ur:TYPE/BODY" for a message in one piece and
// "ur:TYPE/SEQNUM-SEQLEN/BODY" for one fountain-coded part, BODY being minimal Bytewords.
// Parsing is strict and says exactly what is wrong, so a damaged frame is never taken
// for a good one.
import { BytewordsError, decodeMinimal, encodeMinimal } from './bytewords';
import { CborError } from './cbor';
import { decodePart, encodePart, type FountainPart } from './fountain';

/** A UR type: lower-case letters, digits and hyphens (BCR-2020-005). */
export const UR_TYPE_PATTERN = /^[a-z0-9-]+$/;

export function singlePartUr(type: string, cbor: Uint8Array): string {
  assertType(type);
  return `ur:${type}/${encodeMinimal(cbor)}`;
}

export function multiPartUr(type: string, part: FountainPart): string {
  assertType(type);
  return `ur:${type}/${part.seqNum}-${part.seqLen}/${encodeMinimal(encodePart(part))}`;
}

function assertType(type: string): void {
  if (!UR_TYPE_PATTERN.test(type)) throw new RangeError(`"${type}" is not a UR type`);
}

export type ParsedUr =
  | { kind: 'single'; type: string; cbor: Uint8Array }
  | { kind: 'part'; type: string; part: FountainPart };

/** Why a text is not a well-formed UR; `code` sorts the reasons for callers. */
export class UrParseError extends Error {
  constructor(
    readonly code: 'NOT_UR' | 'MIXED_CASE' | 'BAD_TYPE' | 'BAD_SEQUENCE' | 'BAD_BODY' | 'BAD_PART',
    message: string,
  ) {
    super(message);
    this.name = 'UrParseError';
  }
}

const SEQUENCE = /^([1-9][0-9]{0,9})-([1-9][0-9]{0,9})$/;

/**
 * Parses one UR text. Upper case (as QR alphanumeric mode carries it) and lower case are
 * both UR; a mix of the two is refused, because no encoder writes one and a single changed
 * letter must not pass as the same frame.
 */
export function parseUr(text: string): ParsedUr {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) throw new UrParseError('MIXED_CASE', 'it mixes upper- and lower-case letters, which no UR encoder writes');
  if (!lower.startsWith('ur:')) throw new UrParseError('NOT_UR', 'it does not start with "ur:", so it is not a Uniform Resource');
  const components = lower.slice(3).split('/');
  if (components.length < 2 || components.length > 3) {
    throw new UrParseError('NOT_UR', `it has ${components.length} "/"-separated parts after "ur:"; a UR has 2 (type/body) or 3 (type/seq/body)`);
  }
  const type = components[0]!;
  if (!UR_TYPE_PATTERN.test(type)) throw new UrParseError('BAD_TYPE', `its type "${type}" is not a UR type (letters, digits and hyphens only)`);
  const body = components[components.length - 1]!;
  let cbor: Uint8Array;
  try {
    cbor = decodeMinimal(body);
  } catch (error) {
    if (!(error instanceof BytewordsError)) throw error;
    if (error.at === null) throw new UrParseError('BAD_BODY', error.message);
    // Quote the letters as the frame shows them (upper case from a QR code), with their place in the whole text.
    const at = text.length - body.length + error.at;
    throw new UrParseError('BAD_BODY', `"${text.slice(at, at + 2)}" at character ${at + 1} is not a Bytewords letter pair`);
  }
  if (components.length === 2) return { kind: 'single', type, cbor };

  const sequence = SEQUENCE.exec(components[1]!);
  if (!sequence) throw new UrParseError('BAD_SEQUENCE', `its sequence "${components[1]}" is not "N-M" with N and M whole numbers from 1`);
  const seqNum = Number(sequence[1]);
  const seqLen = Number(sequence[2]);
  let part: FountainPart;
  try {
    part = decodePart(cbor);
  } catch (error) {
    if (error instanceof CborError) throw new UrParseError('BAD_PART', `its content is not a fountain part: ${error.message}`);
    throw error;
  }
  if (part.seqNum !== seqNum || part.seqLen !== seqLen) {
    throw new UrParseError('BAD_SEQUENCE', `its sequence "${seqNum}-${seqLen}" differs from the one inside it (${part.seqNum}-${part.seqLen})`);
  }
  return { kind: 'part', type, part };
}
