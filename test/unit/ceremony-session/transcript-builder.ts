// A real transcript for the view tests, written by the real writer into a temporary
// folder: the ceremony-opened entry of the rehearsal root script (or the script a test
// gives, whose witnesses must be those it lists), then whatever a test appends
// (step-started, acknowledgements, exceptions...), as the engine would write them.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderScriptYaml, rehearsalRootScript, type CeremonyScript } from '../../../main/ceremony/script';
import { deriveCeremonyView, type ViewInput } from '../../../main/ceremony/session';
import { openTranscript, type Actor, type ChainEntry, type EntryData, type EntryType, type TranscriptWriter } from '../../../main/transcript';
import { CeremonyViewSchema, type CeremonyView } from '../../../preload/contract';

export const WITNESS_SPKI = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
export const WITNESS_FINGERPRINT = createHash('sha256').update(WITNESS_SPKI).digest('hex');

export const ADMIN: Actor = { role: 'administrator', name: 'Rehearsal Administrator' };
export const SYSTEM: Actor = { role: 'system', name: 'conclave' };
export const WITNESS: Actor = { role: 'witness', name: 'Rehearsal Witness' };

export interface Built {
  dir: string;
  script: CeremonyScript;
  writer: TranscriptWriter;
  entries(): readonly ChainEntry[];
  append<T extends EntryType>(type: T, actor: Actor, data: EntryData<T>): Promise<ChainEntry>;
  /** step-started for the step with this id, as the engine writes it. */
  start(id: string): Promise<ChainEntry>;
  acknowledge(id: string, actor: Actor): Promise<ChainEntry>;
  complete(id: string, result?: Record<string, string>): Promise<ChainEntry>;
  cleanup(): Promise<void>;
}

export async function buildTranscript(given?: CeremonyScript): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-session-view-'));
  const script = given ?? rehearsalRootScript({ witnessFingerprint: WITNESS_FINGERPRINT });
  const text = renderScriptYaml(script);
  let clock = Date.parse('2026-03-01T10:00:00.000Z');
  const writer = await openTranscript(join(dir, 'transcript.jsonl'), { ceremonyId: script.ceremony.id, create: true, now: () => new Date((clock += 1000)) });
  await writer.append('ceremony-opened', ADMIN, {
    script: { name: `${given ? script.ceremony.id : 'rehearsal-root'}.yaml`, format: 'yaml', sha256: createHash('sha256').update(text, 'utf8').digest('hex'), text },
    tool: { name: 'conclave', version: 'test' },
    rehearsal: true,
    previousCeremonyFinalHash: null,
    participants: [
      { role: 'administrator', name: ADMIN.name },
      ...script.participants.custodians.map((c) => ({ role: 'custodian' as const, name: c.name })),
      ...script.participants.witnesses.map((w) => ({ role: 'witness' as const, name: w.name, keyFingerprint: w.key.fingerprint })),
    ],
  });
  const last = () => writer.entries[writer.entries.length - 1]!;
  const append = async <T extends EntryType>(type: T, actor: Actor, data: EntryData<T>) => {
    await writer.append(type, actor, data);
    return last();
  };
  return {
    dir,
    script,
    writer,
    entries: () => writer.entries,
    append,
    start: (id) => {
      const index = script.steps.findIndex((s) => s.id === id) + 1;
      return append('step-started', ADMIN, { step: id, index, title: script.steps[index - 1]!.title });
    },
    acknowledge: (id, actor) => append('step-acknowledged', actor, { step: id, role: actor.role as 'administrator' | 'custodian' | 'witness', name: actor.name }),
    complete: (id, result = { checked: 'yes' }) => append('step-completed', ADMIN, { step: id, result }),
    cleanup: async () => {
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The runner's view of a built transcript, with nothing else known (no login, nothing
 * performed, no HSM activity) unless `overrides` says so; parsed by the contract's schema,
 * exactly what the router would let through to the renderer.
 */
export function viewOf(built: Built, overrides: Partial<ViewInput> = {}): CeremonyView {
  return CeremonyViewSchema.parse(
    deriveCeremonyView({
      directory: built.dir,
      script: built.script,
      entries: built.entries(),
      loggedIn: false,
      performed: new Map(),
      preconditions: null,
      activity: null,
      busy: null,
      finalize: { finalized: false, outputs: [], error: null },
      now: new Date('2026-03-01T12:00:00.000Z'),
      timeZone: 'UTC',
      ...overrides,
    }),
  );
}

/** Starts and completes every step before the one with id `stop`, as the engine records them. */
export async function doneUntil(built: Built, stop: string): Promise<void> {
  for (const step of built.script.steps) {
    if (step.id === stop) return;
    await built.start(step.id);
    await built.complete(step.id);
  }
}
