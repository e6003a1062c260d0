// Reassembles one message from UR frames caught in any order: single-part or
// fountain-coded, duplicates harmless, frames of another message or of another UR type
// set aside with the reason, damaged frames refused. The message is released only when
// its CRC-32 (carried in every part) matches what was reassembled.
import { decodeBytesItem } from './cbor';
import { crc32 } from './crc32';
import { chooseFragments, FountainSolver, type FountainPart } from './fountain';
import { parseUr, UrParseError } from './ur';

/** Larger messages are refused before any memory is set aside for them. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type FrameRefusal =
  /** Not a UR at all, or not one Conclave can read. */
  | 'NOT_UR'
  /** A UR whose text is damaged: a changed, missing or extra character. */
  | 'DAMAGED'
  /** A well-formed UR of another type (not the expected one). */
  | 'WRONG_TYPE'
  /** A good frame of another message (different checksum, length or fragmentation). */
  | 'OTHER_MESSAGE'
  /** A part whose numbers contradict each other or exceed the limits. */
  | 'INCONSISTENT';

export type FrameOutcome =
  | { status: 'used'; seqNum: number | null }
  | { status: 'redundant'; seqNum: number | null; reason: string }
  | { status: 'refused'; code: FrameRefusal; reason: string };

export interface DecodeProgress {
  /** Frames that added something. */
  used: number;
  /** Good frames of this message that added nothing (duplicates, or combinations already known). */
  redundant: number;
  /** Frames refused (damaged, another message, wrong type). */
  refused: number;
  /** Fragments known so far and how many the message has (0 of 0 before the first frame). */
  fragmentsKnown: number;
  fragmentsTotal: number;
  complete: boolean;
}

/** The message's identity, fixed by the first good frame. */
interface Expected {
  seqLen: number;
  messageLen: number;
  checksum: number;
  fragmentLen: number;
}

export class UrMessageDecoder {
  private expected: Expected | null = null;
  private solver: FountainSolver | null = null;
  private message: Uint8Array | null = null;
  private failure: string | null = null;
  private counts = { used: 0, redundant: 0, refused: 0 };

  constructor(readonly type: string) {}

  /** Offers one frame's text; says whether it was used and, if not, why. */
  receive(text: string): FrameOutcome {
    const outcome = this.classify(text);
    if (outcome.status === 'used') this.counts.used++;
    else if (outcome.status === 'redundant') this.counts.redundant++;
    else this.counts.refused++;
    return outcome;
  }

  private classify(text: string): FrameOutcome {
    let parsed;
    try {
      parsed = parseUr(text);
    } catch (error) {
      if (!(error instanceof UrParseError)) throw error;
      if (error.code === 'NOT_UR' || error.code === 'BAD_TYPE') return { status: 'refused', code: 'NOT_UR', reason: `The frame is not a Conclave frame: ${error.message}.` };
      return { status: 'refused', code: 'DAMAGED', reason: `The frame is damaged: ${error.message}.` };
    }
    if (parsed.type !== this.type) {
      return { status: 'refused', code: 'WRONG_TYPE', reason: `The frame is a UR of type "${parsed.type}", not "${this.type}".` };
    }
    if (parsed.kind === 'single') return this.single(parsed.cbor);
    return this.part(parsed.part);
  }

  private single(cbor: Uint8Array): FrameOutcome {
    const checksum = crc32(cbor);
    if (this.expected !== null) {
      if (this.expected.messageLen === cbor.length && this.expected.checksum === checksum) {
        if (this.message !== null) return { status: 'redundant', seqNum: null, reason: 'The message is already complete.' };
        this.message = cbor;
        return { status: 'used', seqNum: null };
      }
      return { status: 'refused', code: 'OTHER_MESSAGE', reason: `The frame is a single-frame code of another message (checksum ${hex8(checksum)}, not ${hex8(this.expected.checksum)}).` };
    }
    if (cbor.length > MAX_MESSAGE_BYTES) return { status: 'refused', code: 'INCONSISTENT', reason: `The frame's message is ${cbor.length} bytes, more than the ${MAX_MESSAGE_BYTES} Conclave accepts.` };
    this.expected = { seqLen: 1, messageLen: cbor.length, checksum, fragmentLen: cbor.length };
    this.message = cbor;
    return { status: 'used', seqNum: null };
  }

  private part(part: FountainPart): FrameOutcome {
    const fragmentLen = part.data.length;
    if (part.messageLen < 1 || part.messageLen > MAX_MESSAGE_BYTES) {
      return { status: 'refused', code: 'INCONSISTENT', reason: `The frame claims a message of ${part.messageLen} bytes; Conclave accepts 1 to ${MAX_MESSAGE_BYTES}.` };
    }
    if (fragmentLen < 1 || part.seqLen !== Math.ceil(part.messageLen / fragmentLen) || part.seqNum > 0xffffffff) {
      return {
        status: 'refused',
        code: 'INCONSISTENT',
        reason: `The frame's numbers contradict each other: ${part.seqLen} fragments of ${fragmentLen} bytes cannot hold a message of ${part.messageLen} bytes.`,
      };
    }
    const e = this.expected;
    // The message is complete (perhaps from its single-frame code): any good part of it, however cut, is redundant.
    if (e !== null && this.message !== null && e.checksum === part.checksum && e.messageLen === part.messageLen) {
      return { status: 'redundant', seqNum: part.seqNum, reason: 'The message is already complete.' };
    }
    if (e === null) {
      this.expected = { seqLen: part.seqLen, messageLen: part.messageLen, checksum: part.checksum, fragmentLen };
      this.solver = new FountainSolver(part.seqLen, fragmentLen);
    } else if (e.checksum !== part.checksum || e.messageLen !== part.messageLen || e.seqLen !== part.seqLen || e.fragmentLen !== fragmentLen) {
      return {
        status: 'refused',
        code: 'OTHER_MESSAGE',
        reason: `The frame belongs to another message (checksum ${hex8(part.checksum)}, ${part.messageLen} bytes in ${part.seqLen} fragments; this one is ${hex8(e.checksum)}, ${e.messageLen} bytes in ${e.seqLen}).`,
      };
    }
    if (this.failure !== null) return { status: 'redundant', seqNum: part.seqNum, reason: 'The message could not be reassembled; more frames cannot help.' };
    // Made with the message's identity by its first part above; a single-frame code needs none.
    const solver = this.solver ?? (this.solver = new FountainSolver(part.seqLen, fragmentLen));
    const added = solver.add(chooseFragments(part.seqNum, part.seqLen, part.checksum), part.data);
    if (!added) return { status: 'redundant', seqNum: part.seqNum, reason: 'The frame adds nothing to the frames already read (a duplicate or a combination of them).' };
    if (solver.complete) {
      const message = solver.message(part.messageLen);
      if (crc32(message) !== part.checksum) {
        this.failure = `The reassembled message does not match its checksum ${hex8(part.checksum)}: the frames disagree with each other.`;
      } else {
        this.message = message;
      }
    }
    return { status: 'used', seqNum: part.seqNum };
  }

  progress(): DecodeProgress {
    const total = this.expected?.seqLen ?? 0;
    return {
      ...this.counts,
      fragmentsKnown: this.message !== null ? total : (this.solver?.rank ?? 0),
      fragmentsTotal: total,
      complete: this.message !== null,
    };
  }

  /** Why reassembly failed for good (frames that disagree), else null. */
  failed(): string | null {
    return this.failure;
  }

  /** The UR message (CBOR) once complete, else null. */
  cbor(): Uint8Array | null {
    return this.message;
  }

  /** The message's CBOR byte string content once complete; throws CborError when it is not one byte string. */
  bytes(): Uint8Array | null {
    if (this.message === null) return null;
    return decodeBytesItem(this.message, 'the message');
  }
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}
