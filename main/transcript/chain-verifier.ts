// The chain rules, applied one line at a time: canonical form, schema, seq, prev link,
// constant ceremony id, non-decreasing time, listed participants, references between
// entries (checkpoints, signatures, seal, exceptions) and nothing after `sealed`.
// The writer runs every new entry through the same rules before it writes it, so it
// cannot write a line the verifier would refuse.
import { canonicalJson } from '../quorum/canonical-json';
import { CEREMONY_SIGNING_PURPOSE, type Participant, type ParticipantRole } from './data-schemas';
import { parseEntry, type TranscriptEntry } from './entry-schema';
import { GENESIS_PREV, hashLine, MAX_LINE_BYTES } from './line';

/** One verified line: the entry, its hash and its exact text. */
export interface ChainEntry {
  /** Line number in the file, from 1 (equal to seq + 1 in an intact transcript). */
  line: number;
  entry: TranscriptEntry;
  /** SHA-256 (hex) of the line without "\n". */
  hash: string;
  /** The line without "\n". */
  text: string;
}

export type ChainProblemCode =
  | 'empty-line'
  | 'too-long'
  | 'not-json'
  | 'not-canonical'
  | 'schema'
  | 'seq'
  | 'prev'
  | 'ceremony-id'
  | 'order'
  | 'time'
  | 'participant'
  | 'reference'
  | 'after-sealed';

export interface ChainProblem {
  code: ChainProblemCode;
  /** The line the problem is about, from 1. */
  line: number;
  /** The sequence number the problem is about, or null when the line has none. */
  seq: number | null;
  /** Plain-language description, starting with "entry N (line L)" or "line L". */
  message: string;
}

/** Types that may follow the seal: signatures over it, crash handling, and `sealed` itself. */
const AFTER_SEAL = new Set(['signature', 'resumed', 'torn-entry-cut', 'exception-opened', 'exception-resolved', 'sealed']);

export function where(seq: number | null, line: number): string {
  return seq === null ? `line ${line}` : `entry ${seq} (line ${line})`;
}

function rawSeq(value: unknown): number | null {
  const seq = (value as { seq?: unknown } | null)?.seq;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(seq) && (seq as number) >= 0 ? (seq as number) : null;
}

export class ChainVerifier {
  private readonly list: ChainEntry[] = [];
  private participants: Participant[] = [];
  private sealSeq: number | null = null;
  private sealedSeq: number | null = null;
  private readonly openExceptions = new Set<number>();
  private readonly sealSignatures: number[] = [];
  private readonly signers = new Set<string>();
  private ceremonySigningSpki: string | null = null;

  get entries(): readonly ChainEntry[] {
    return this.list;
  }

  get sealed(): boolean {
    return this.sealedSeq !== null;
  }

  get ceremonyId(): string | null {
    return this.list[0]?.entry.ceremonyId ?? null;
  }

  /** The last entry's seq and hash, or null before the first entry. */
  get head(): { seq: number; hash: string; at: string } | null {
    const last = this.list[this.list.length - 1];
    return last ? { seq: last.entry.seq, hash: last.hash, at: last.entry.at } : null;
  }

  /** Checks one line against everything before it, and records it when it holds. */
  accept(text: string, line: number): ChainProblem | ChainEntry {
    const result = this.inspect(text, line);
    if ('code' in result) return result;
    this.commit(result);
    return result;
  }

  /** Checks one line against everything before it without recording it. */
  inspect(text: string, line: number): ChainProblem | ChainEntry {
    const expected = this.list.length;
    const fail = (code: ChainProblemCode, message: string, seq: number | null = expected, at = line): ChainProblem => ({
      code,
      line: at,
      seq,
      message: `${where(seq, at)}: ${message}`,
    });

    if (this.sealedSeq !== null) {
      let seq: number | null = null;
      try {
        seq = rawSeq(JSON.parse(text));
      } catch {
        seq = null;
      }
      return fail('after-sealed', `something follows the sealed entry ${this.sealedSeq} (line ${this.sealedSeq + 1}); nothing may follow it, so it was added afterwards`, seq);
    }
    if (text.length === 0) return fail('empty-line', 'the line is empty', null);
    if (Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES) return fail('too-long', `the line is longer than ${MAX_LINE_BYTES} bytes`, null);

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return fail('not-json', `the line is not JSON (${(error as Error).message})`, null);
    }
    const seqFound = rawSeq(json);
    let canonical: string;
    try {
      canonical = canonicalJson(json);
    } catch (error) {
      return fail('not-canonical', `the line holds a value the format does not allow (${(error as Error).message})`, seqFound);
    }
    if (canonical !== text) {
      return fail('not-canonical', 'the line is not in canonical form (sorted keys, no spaces, ASCII with \\u escapes), so it was not written by Conclave as it stands', seqFound);
    }

    const parsed = parseEntry(json);
    if (!parsed.ok) return fail('schema', parsed.problem, seqFound);
    const entry = parsed.entry;
    const seq = entry.seq;
    if (seq !== expected) {
      return fail('seq', `the line holds seq ${seq} where seq ${expected} was expected`, seq < expected ? seq : expected);
    }
    const previous = this.list[expected - 1];
    if (!previous) {
      if (entry.prev !== GENESIS_PREV) return fail('prev', 'the first entry must have prev = 64 zeros');
    } else if (entry.prev !== previous.hash) {
      return fail(
        'prev',
        `its bytes do not hash to the prev that entry ${seq} (line ${line}) records (${entry.prev.slice(0, 12)}…, the line hashes to ${previous.hash.slice(0, 12)}…): entry ${previous.entry.seq} was changed after it was written, or entry ${seq}'s link was`,
        previous.entry.seq,
        previous.line,
      );
    }

    if (!previous) {
      if (entry.type !== 'ceremony-opened') return fail('order', `the first entry must be ceremony-opened, not ${entry.type}`);
    } else {
      if (entry.ceremonyId !== previous.entry.ceremonyId) {
        return fail('ceremony-id', `the ceremony id is "${entry.ceremonyId}", but the transcript belongs to "${previous.entry.ceremonyId}"`);
      }
      if (entry.type === 'ceremony-opened') return fail('order', 'ceremony-opened may only be the first entry');
      if (entry.at < previous.entry.at) {
        return fail('time', `its time ${entry.at} is earlier than the time ${previous.entry.at} of entry ${previous.entry.seq}; times never go backwards`);
      }
    }

    const participants = entry.type === 'ceremony-opened' ? entry.data.participants : this.participants;
    const problem = this.participantProblem(entry, participants) ?? this.typeProblem(entry);
    if (problem) return fail(problem.code, problem.message);

    return { line, entry, hash: hashLine(text), text };
  }

  private isListed(participants: readonly Participant[], role: ParticipantRole, name: string): boolean {
    return participants.some((p) => p.role === role && p.name === name);
  }

  private participantProblem(entry: TranscriptEntry, participants: readonly Participant[]): { code: ChainProblemCode; message: string } | null {
    const unlisted = (role: string, name: string, what: string) => ({
      code: 'participant' as const,
      message: `${what} ${role} "${name}" is not a participant listed when the ceremony was opened`,
    });
    const { actor } = entry;
    if (actor.role !== 'system' && !this.isListed(participants, actor.role, actor.name)) return unlisted(actor.role, actor.name, 'the actor');
    switch (entry.type) {
      case 'step-acknowledged':
        if (!this.isListed(participants, entry.data.role, entry.data.name)) return unlisted(entry.data.role, entry.data.name, 'the acknowledging');
        return null;
      case 'exception-resolved':
        if (!this.isListed(participants, entry.data.by.role, entry.data.by.name)) return unlisted(entry.data.by.role, entry.data.by.name, 'the deciding');
        return null;
      case 'quorum-established':
        for (const c of entry.data.custodians) if (!this.isListed(participants, 'custodian', c.name)) return unlisted('custodian', c.name, 'the');
        return null;
      case 'signature': {
        const { signer } = entry.data;
        if (signer.kind !== 'witness') return null;
        const listed = participants.find((p) => p.role === 'witness' && p.name === signer.name);
        if (!listed || listed.role !== 'witness') return unlisted('witness', signer.name, 'the signing');
        if (listed.keyFingerprint !== signer.keyFingerprint) {
          return {
            code: 'participant',
            message: `the signing key ${signer.keyFingerprint.slice(0, 12)}… is not the key listed for witness "${signer.name}" (${listed.keyFingerprint.slice(0, 12)}…)`,
          };
        }
        return null;
      }
      default:
        return null;
    }
  }

  private typeProblem(entry: TranscriptEntry): { code: ChainProblemCode; message: string } | null {
    const seq = entry.seq;
    const previous = this.list[seq - 1];
    if (this.sealSeq !== null && !AFTER_SEAL.has(entry.type)) {
      return { code: 'order', message: `${entry.type} may not follow the seal (entry ${this.sealSeq}); only signatures of the seal and then sealed may` };
    }
    switch (entry.type) {
      case 'checkpoint':
      case 'seal': {
        if (entry.type === 'seal' && this.sealSeq !== null) return { code: 'order', message: `the transcript was already sealed by entry ${this.sealSeq}` };
        if (!previous || entry.data.upTo !== previous.entry.seq || entry.data.hash !== previous.hash) {
          return { code: 'reference', message: `a ${entry.type} covers every entry before it: upTo must be ${seq - 1} and hash that entry's hash` };
        }
        return null;
      }
      case 'signature': {
        const { signs, entryHash, signer } = entry.data;
        const target = signs < seq ? this.list[signs] : undefined;
        if (!target || (target.entry.type !== 'checkpoint' && target.entry.type !== 'seal')) {
          return { code: 'reference', message: `it signs entry ${signs}, which is not an earlier checkpoint or seal` };
        }
        if (target.hash !== entryHash) return { code: 'reference', message: `it records entryHash ${entryHash.slice(0, 12)}… for entry ${signs}, whose hash is ${target.hash.slice(0, 12)}…` };
        if (this.sealSeq !== null && signs !== this.sealSeq) return { code: 'order', message: `after the seal only the seal (entry ${this.sealSeq}) is signed, not entry ${signs}` };
        const signerKey = `${signs}\u0000${signer.kind}\u0000${signer.name}`;
        if (this.signers.has(signerKey)) return { code: 'order', message: `${signer.kind} "${signer.name}" already signed entry ${signs}` };
        if (signer.kind === 'ceremony-key' && this.ceremonySigningSpki !== null && entry.data.publicKeySpki !== this.ceremonySigningSpki) {
          return { code: 'reference', message: 'the ceremony-key signature names a public key other than the ceremony-signing key generated in this ceremony' };
        }
        return null;
      }
      case 'sealed': {
        if (this.sealSeq === null) return { code: 'order', message: 'sealed needs a seal entry before it' };
        const seal = this.list[this.sealSeq]!;
        const expected = this.sealSignatures.join(',');
        if (entry.data.seal !== seal.entry.seq || entry.data.sealHash !== seal.hash) {
          return { code: 'reference', message: `it names seal ${entry.data.seal}, but the seal is entry ${seal.entry.seq} with hash ${seal.hash.slice(0, 12)}…` };
        }
        if (entry.data.signatures.join(',') !== expected) {
          return { code: 'reference', message: `it lists signatures [${entry.data.signatures.join(', ')}], but the seal's signatures are entries [${this.sealSignatures.join(', ')}]` };
        }
        return null;
      }
      case 'exception-resolved':
        if (!this.openExceptions.has(entry.data.exception)) {
          return { code: 'reference', message: `it resolves entry ${entry.data.exception}, which is not an open exception` };
        }
        return null;
      case 'resumed': {
        const found = entry.data.lastSeq < seq ? this.list[entry.data.lastSeq] : undefined;
        if (!found || found.hash !== entry.data.lastHash) return { code: 'reference', message: `it names entry ${entry.data.lastSeq} with a hash that is not that entry's` };
        return null;
      }
      case 'key-generated':
        if (entry.data.purpose === CEREMONY_SIGNING_PURPOSE && this.ceremonySigningSpki !== null) {
          return { code: 'order', message: 'a ceremony-signing key was already recorded; a ceremony has one' };
        }
        return null;
      default:
        return null;
    }
  }

  /** Records an entry that `inspect` accepted. */
  commit(accepted: ChainEntry): void {
    const { entry } = accepted;
    this.list.push(accepted);
    switch (entry.type) {
      case 'ceremony-opened':
        this.participants = entry.data.participants;
        break;
      case 'seal':
        this.sealSeq = entry.seq;
        break;
      case 'sealed':
        this.sealedSeq = entry.seq;
        break;
      case 'exception-opened':
        this.openExceptions.add(entry.seq);
        break;
      case 'exception-resolved':
        this.openExceptions.delete(entry.data.exception);
        break;
      case 'key-generated':
        if (entry.data.purpose === CEREMONY_SIGNING_PURPOSE) this.ceremonySigningSpki = entry.data.publicKeySpki;
        break;
      case 'signature': {
        const { signs, signer } = entry.data;
        this.signers.add(`${signs}\u0000${signer.kind}\u0000${signer.name}`);
        if (signs === this.sealSeq) this.sealSignatures.push(entry.seq);
        break;
      }
      default:
        break;
    }
  }
}
