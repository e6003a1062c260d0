// What the witnesses are asked to sign at the current step, so they can review it first:
// at a witness-sign step the latest checkpoint entry (which covers every entry before
// it); at the seal the head of the transcript, which the seal entry will cover (or the
// seal entry itself when an earlier attempt already wrote it). Each signs
// signaturePayload(ceremony id, entry seq, entry hash), as docs/transcript.md says.
import type { WitnessRequest } from '../../../preload/contract';
import type { ChainEntry } from '../../transcript';
import { hashForPeople } from '../folder/hash-words';
import type { CeremonyState } from '../engine';
import type { CeremonyScript } from '../script';
import { acknowledgementViews, missingAcknowledgementsText } from './acknowledgements';

export interface WitnessRequestInput {
  script: CeremonyScript;
  entries: readonly ChainEntry[];
  state: CeremonyState;
  /** The command main is carrying out now, if any. */
  busy: string | null;
}

function signedBy(entries: readonly ChainEntry[], targetSeq: number | null, name: string): boolean {
  if (targetSeq === null) return false;
  return entries.some(({ entry }) => entry.type === 'signature' && entry.data.signs === targetSeq && entry.data.signer.kind === 'witness' && entry.data.signer.name === name);
}

/** The witness request of the current step, or null when the current step asks no witness to sign. */
export function witnessRequest({ script, entries, state, busy }: WitnessRequestInput): WitnessRequest | null {
  if (state.sealed || state.aborted) return null;
  const current = state.steps.find((s) => s.status === 'pending' || s.status === 'started');
  if (!current) return null;
  const step = script.steps.find((s) => s.id === current.id)!;
  if (step.action !== 'witness-sign' && step.action !== 'seal') return null;
  const head = entries[entries.length - 1];
  if (!head) return null;
  const started = current.status === 'started' && current.startedSeq !== null;
  const attempt = started ? entries.filter((e) => e.entry.seq > current.startedSeq!) : [];

  let target: ChainEntry | null;
  let upTo: number;
  let coversHash: string;
  if (step.action === 'witness-sign') {
    target = [...entries].reverse().find((e) => e.entry.type === 'checkpoint') ?? null;
    const data = target?.entry.type === 'checkpoint' ? target.entry.data : null;
    upTo = data?.upTo ?? head.entry.seq;
    coversHash = data?.hash ?? head.hash;
  } else {
    target = attempt.find((e) => e.entry.type === 'seal') ?? null;
    const data = target?.entry.type === 'seal' ? target.entry.data : null;
    upTo = data?.upTo ?? head.entry.seq;
    coversHash = data?.hash ?? head.hash;
  }
  const reviewHash = target ? target.hash : head.hash;
  const count = step.action === 'witness-sign' ? step.params.signers : 'all';
  const listed = count === 'all' ? script.participants.witnesses : script.participants.witnesses.slice(0, count);
  const targetSeq = target ? target.entry.seq : null;
  const signers = listed.map((w) => ({
    name: w.name,
    keyKind: w.key.kind,
    keyFingerprint: w.key.fingerprint,
    tokenLabel: w.key.kind === 'pkcs11' ? (w.key.tokenLabel ?? null) : null,
    signed: signedBy(entries, targetSeq, w.name),
  }));

  let blockedBy: string | null = null;
  if (!started) blockedBy = `The administrator has not started the step "${step.title}" yet.`;
  else if (state.openException) blockedBy = `An exception (entry ${state.openException.seq}) is open; the administrator resolves it first.`;
  else if (step.action === 'witness-sign' && !target) blockedBy = 'There is no checkpoint to sign: the script needs a checkpoint step before this one.';
  else if (signers.every((s) => s.signed)) blockedBy = 'Every witness asked has signed; the administrator completes the step.';
  else if (step.action === 'seal') {
    const missing = missingAcknowledgementsText(acknowledgementViews(script, step, entries, current.startedSeq));
    if (missing) blockedBy = `The seal still needs acknowledgements (${missing}): nothing may be added to the transcript after the seal, so they come first.`;
  }
  if (!blockedBy && busy) blockedBy = `Conclave is busy: ${busy}.`;

  return {
    step: step.id,
    kind: step.action === 'witness-sign' ? 'checkpoint' : 'seal',
    targetSeq,
    upTo,
    coversHash,
    reviewHash,
    reviewWords: hashForPeople(reviewHash).words,
    signers,
    ready: blockedBy === null,
    blockedBy,
  };
}

/** The entries a witness reviews: everything up to and including the entry they sign (the head, before a seal is written). */
export function coveredEntries(entries: readonly ChainEntry[], request: WitnessRequest): ChainEntry[] {
  const last = request.targetSeq ?? request.upTo;
  return entries.filter((e) => e.entry.seq <= last);
}
