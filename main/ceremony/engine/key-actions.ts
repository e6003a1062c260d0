// Key steps: generating a key in the token (or adopting the one an interrupted attempt
// generated — never a second one), reading its attributes back and checking them,
// exporting its public key and recording the fingerprint as hex and words.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyAttributes, KeyInfo } from '../../../native/hsm/protocol';
import { writeFileAtomic } from '../../files/atomic-write';
import { fingerprintOf } from '../../quorum/fingerprint';
import { CEREMONY_SIGNING_PURPOSE, type EntryData, type JsonObject } from '../../transcript';
import { spkiToPem } from '../../witness';
import type { KeyType, ScriptKeyRole, StepOf } from '../script';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { recordFileWritten } from './files';

type KeyGenerated = EntryData<'key-generated'>;

export function attributeRecord(a: KeyAttributes): KeyGenerated['attributes'] {
  const out: KeyGenerated['attributes'] = {};
  for (const [k, v] of Object.entries(a)) {
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v))) out[k] = v;
    else if (typeof v === 'string') out[k] = v.slice(0, 256).trim();
  }
  return out;
}

/** The checks a generated key must pass before its step is done. */
function attributeProblems(a: KeyAttributes, role: ScriptKeyRole): string[] {
  const problems: string[] = [];
  if (a.token !== true) problems.push('it is not stored on the token (CKA_TOKEN)');
  if (a.private !== true) problems.push('it is not private (CKA_PRIVATE)');
  if (a.sensitive !== true) problems.push('it is not sensitive (CKA_SENSITIVE)');
  if (role !== 'wrap-only-export' && a.extractable !== false) problems.push('it is extractable (CKA_EXTRACTABLE)');
  if (a.local !== true) problems.push('it was not generated on the token (CKA_LOCAL)');
  return problems;
}

/** The private or secret key of a label on the token, or null. */
export async function findKey(ctx: ActionContext, label: string): Promise<KeyInfo | null> {
  const slotId = await ctx.slotId();
  const found = (await ctx.deps.hsm.findObjects({ slotId, label })).filter((o) => o.class === 'private' || o.class === 'secret');
  if (found.length > 1) throw engineError('KEY_LABEL_AMBIGUOUS', `The token holds ${found.length} keys labelled "${label}".`, 'Record an exception: a label must name one key.');
  return found[0] ? ctx.deps.hsm.keyAttributes(found[0].handle) : null;
}

export async function publicKeyOf(ctx: ActionContext, label: string, id: string): Promise<Uint8Array> {
  const slotId = await ctx.slotId();
  const pub = (await ctx.deps.hsm.findObjects({ slotId, label, class: 'public' })).find((o) => o.id === id);
  if (!pub) throw engineError('PUBLIC_KEY_MISSING', `The public key of "${label}" is not on the token.`, 'Record an exception; the key pair is incomplete.');
  return (await ctx.deps.hsm.exportPublicKey(pub.handle)).spki;
}

/** The key-generated entry of a label recorded earlier in this ceremony, if any. */
export function recordedKey(ctx: ActionContext, label: string): KeyGenerated | null {
  for (const { entry } of ctx.writer.entries) if (entry.type === 'key-generated' && entry.data.label === label) return entry.data;
  return null;
}

export async function generateKey(ctx: ActionContext, label: string, type: KeyType, role: ScriptKeyRole, purpose: string): Promise<JsonObject> {
  const earlier = recordedKey(ctx, label);
  const existing = await findKey(ctx, label);
  if (earlier) {
    // Recorded by an earlier attempt: the key on the token must still be that key.
    if (!existing || existing.attributes.id !== earlier.id) throw engineError('KEY_MISSING', `The key "${label}" recorded in the transcript is not on the token.`, 'Record an exception: the token is not in the state the transcript describes.');
    return keySummary(earlier);
  }
  let info: KeyInfo;
  let adopted = false;
  if (existing) {
    // Only an attempt of this very step that died before recording may have made it.
    if (!ctx.mayAdopt(label)) {
      throw engineError('KEY_LABEL_TAKEN', `The token already holds a key labelled "${label}" that this ceremony did not record.`, 'Use a fresh token or another label; record an exception.');
    }
    info = existing;
    adopted = true;
  } else {
    const slotId = await ctx.slotId();
    const generated = await ctx.deps.hsm.generateKey({ slotId, type, label, role });
    const made = generated.privateKey ?? generated.secretKey;
    if (!made) throw engineError('KEY_GENERATION_INCOMPLETE', `The token reported no key for "${label}".`, 'Retry the step.');
    ctx.keyMade(label);
    ctx.deps.afterEntry?.(ctx.step.id, 'key-made');
    info = await ctx.deps.hsm.keyAttributes(made.handle);
  }
  const problems = attributeProblems(info.attributes, role);
  if (problems.length > 0) throw engineError('KEY_ATTRIBUTES_WRONG', `The key "${label}" failed its read-back check: ${problems.join('; ')}.`, 'Record an exception; do not use this key.');
  let spki: Uint8Array | null = null;
  if (type !== 'aes-256') spki = await publicKeyOf(ctx, label, info.attributes.id);
  const fp = spki ? fingerprintOf(spki) : null;
  const data: KeyGenerated = {
    purpose,
    label,
    id: info.attributes.id,
    algorithm: type,
    hsmRole: role,
    adopted,
    publicKeySpki: spki ? Buffer.from(spki).toString('base64') : null,
    fingerprint: fp ? { hex: fp.hex, words: [...fp.words] } : null,
    attributes: attributeRecord(info.attributes),
  };
  await ctx.writer.append('key-generated', ctx.system, data);
  return keySummary(data);
}

export function keySummary(data: KeyGenerated): JsonObject {
  return {
    label: data.label,
    id: data.id,
    algorithm: data.algorithm,
    adopted: data.adopted,
    fingerprint: data.fingerprint ? { hex: data.fingerprint.hex, words: data.fingerprint.words } : null,
    sensitive: data.attributes.sensitive ?? null,
    extractable: data.attributes.extractable ?? null,
  };
}

export function generateCeremonyKey(ctx: ActionContext, step: StepOf<'generate-ceremony-key'>): Promise<JsonObject> {
  return generateKey(ctx, step.params.label, 'ec-p256', 'sign', CEREMONY_SIGNING_PURPOSE);
}

export function generateScriptKey(ctx: ActionContext, step: StepOf<'generate-key'>): Promise<JsonObject> {
  const purpose = /^[a-z0-9][a-z0-9-]{0,63}$/.test(step.id) ? step.id : 'generated-key';
  return generateKey(ctx, step.params.label, step.params.type, step.params.role, purpose);
}

export async function exportPublicKey(ctx: ActionContext, step: StepOf<'export-public-key'>): Promise<JsonObject> {
  const { label, file } = step.params;
  const key = await findKey(ctx, label);
  if (!key) throw engineError('KEY_MISSING', `There is no key labelled "${label}" on the token.`, 'Generate it first, or record an exception.');
  const spki = await publicKeyOf(ctx, label, key.attributes.id);
  const recorded = recordedKey(ctx, label);
  if (recorded?.publicKeySpki && recorded.publicKeySpki !== Buffer.from(spki).toString('base64')) {
    throw engineError('PUBLIC_KEY_MISMATCH', `The public key of "${label}" on the token is not the one recorded when it was generated.`, 'Record an exception; the token holds another key under that label.');
  }
  const pem = spkiToPem(spki);
  const path = join(ctx.deps.dir, file);
  if (existsSync(path)) {
    // An earlier attempt wrote it; it must be exactly this key.
    if (readFileSync(path, 'utf8') !== pem) throw engineError('FILE_EXISTS', `${path} exists and does not hold the public key of "${label}".`, 'Move it away and retry the step.');
  } else {
    await writeFileAtomic(path, pem, { mode: 0o644 });
  }
  const written = await recordFileWritten(ctx, path, `public key of ${label}`);
  const fp = fingerprintOf(spki);
  return { label, file, sha256: written.sha256, fingerprint: { hex: fp.hex, words: [...fp.words] } };
}
