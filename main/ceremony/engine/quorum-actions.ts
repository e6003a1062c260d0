// Quorum steps: setting the custodian quorum up (envelopes sealed, saved into the
// ceremony folder and re-opened as proof of receipt before the token's PINs change) and
// logging the quorum in to the token. Passphrases come from the inputs and are
// overwritten as soon as they have served.
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileSha256 } from '../../files/atomic-write';
import { DEFAULT_SHARE_LIFETIME_MS, QuorumLoginSession, realScheduler } from '../../quorum/login';
import { PENDING_FILE, RECORD_FILE } from '../../quorum/quorum-journal';
import { loadRecordFile } from '../../quorum/record-file';
import { QuorumSetup } from '../../quorum/setup';
import type { QuorumRecord } from '../../quorum/types';
import type { JsonObject } from '../../transcript';
import type { StepOf } from '../script';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { recordFileWritten } from './files';

function needPassphrase(ctx: ActionContext, name: string): Uint8Array {
  const passphrase = ctx.deps.inputs.custodianPassphrase(name);
  if (!passphrase) throw engineError('PASSPHRASE_MISSING', `No passphrase was given for custodian ${name}.`, `Add ${name}'s passphrase to the answers (custodians).`);
  return passphrase;
}

/** The script's quorum policy in the form the quorum module parses. */
export function policyOf(ctx: Pick<ActionContext, 'script'>): unknown {
  const { quorum, participants } = ctx.script;
  return {
    threshold: quorum.threshold,
    custodians: participants.custodians.map((c) => (c.group === undefined ? { name: c.name } : { name: c.name, group: c.group })),
    ...(quorum.groups ? { groups: quorum.groups } : {}),
    ...(quorum.groupThreshold !== undefined ? { groupThreshold: quorum.groupThreshold } : {}),
  };
}

async function establish(ctx: ActionContext, purpose: 'setup' | 'login', record: QuorumRecord, recordPath: string, names: string[]): Promise<void> {
  await ctx.writer.append('quorum-established', ctx.admin, {
    purpose,
    policyId: record.policyId,
    policySummary: record.policySummary,
    custodians: names.map((name) => ({ name, group: record.custodians.find((c) => c.name === name)?.group ?? null })),
    recordSha256: await fileSha256(recordPath),
  });
}

/** Envelope files of an earlier, interrupted attempt: moved aside (never deleted), so the new attempt can save its own. */
function setAsideLeftovers(folder: string, now: Date): string[] {
  if (!existsSync(folder)) return [];
  const leftovers = readdirSync(folder).filter((n) => n.startsWith('conclave-share-'));
  if (leftovers.length === 0) return [];
  const aside = join(folder, `interrupted-${now.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(aside);
  for (const name of leftovers) renameSync(join(folder, name), join(aside, name));
  return leftovers;
}

export async function quorumSetup(ctx: ActionContext, step: StepOf<'quorum-setup'>): Promise<JsonObject> {
  const folder = join(ctx.deps.dir, step.params.folder);
  const recordPath = join(folder, RECORD_FILE);
  const names = ctx.script.participants.custodians.map((c) => c.name);
  const already = ctx.attempt().find((e) => e.entry.type === 'quorum-established' && e.entry.data.purpose === 'setup');
  if (existsSync(recordPath) && !existsSync(join(folder, PENDING_FILE))) {
    // Completed by an earlier attempt that died before recording it: adopt the record.
    const loaded = await loadRecordFile(recordPath);
    if (loaded.record.ceremonyId !== ctx.script.ceremony.id) {
      throw engineError('QUORUM_RECORD_FOREIGN', `${recordPath} belongs to ceremony ${loaded.record.ceremonyId}.`, 'Use an empty ceremony folder.');
    }
    if (!already) {
      await recordEnvelopes(ctx, folder);
      await recordFileWritten(ctx, recordPath, 'quorum record');
      await establish(ctx, 'setup', loaded.record, recordPath, names);
    }
    return { policy: loaded.record.policySummary, recordSha256: await fileSha256(recordPath), adopted: true, custodians: names };
  }
  mkdirSync(folder, { recursive: true });
  const setAside = setAsideLeftovers(folder, (ctx.deps.now ?? (() => new Date()))());
  const slotId = await ctx.slotId();
  const pins = ctx.deps.inputs.rehearsalTokenPins();
  const setup = await QuorumSetup.begin(
    { hsm: ctx.deps.hsm, now: ctx.deps.now ?? (() => new Date()), rehearsal: ctx.script.ceremony.rehearsal, rehearsalPins: ctx.deps.rehearsalPins, kdf: ctx.deps.kdf },
    { slotId, ceremonyId: ctx.script.ceremony.id, policy: policyOf(ctx), outputDirectory: folder, ...(pins ? { currentPins: pins } : {}) },
  );
  if (pins) {
    pins.soPin.fill(0);
    pins.userPin.fill(0);
  }
  try {
    for (const [i, name] of names.entries()) {
      const index = i + 1;
      const passphrase = needPassphrase(ctx, name);
      await setup.seal(index, passphrase, Uint8Array.from(passphrase));
      await setup.save(index, folder);
      const saved = setup.view().custodians[i]!.savedTo!;
      await setup.prove(index, { kind: 'file', path: saved }, needPassphrase(ctx, name));
    }
    const record = await setup.complete();
    await recordEnvelopes(ctx, folder);
    await recordFileWritten(ctx, recordPath, 'quorum record');
    await establish(ctx, 'setup', record, recordPath, names);
    return { policy: record.policySummary, recordSha256: await fileSha256(recordPath), adopted: false, custodians: names, setAsideFromInterruptedAttempt: setAside };
  } catch (error) {
    await setup.cancel().catch(() => undefined);
    throw error;
  }
}

async function recordEnvelopes(ctx: ActionContext, folder: string): Promise<void> {
  for (const name of readdirSync(folder).filter((n) => n.startsWith('conclave-share-')).sort()) {
    await recordFileWritten(ctx, join(folder, name), 'custodian share envelope');
  }
}

function recordPathFor(ctx: ActionContext): string {
  const setupStep = ctx.script.steps.find((s) => s.action === 'quorum-setup');
  if (setupStep && setupStep.action === 'quorum-setup') return join(ctx.deps.dir, setupStep.params.folder, RECORD_FILE);
  const given = ctx.deps.inputs.quorumRecordPath();
  if (!given) throw engineError('QUORUM_RECORD_MISSING', 'The script logs a quorum in but sets none up, and no quorum record was given.', 'Name the quorum record file in the answers ("quorumRecord").');
  return given;
}

function envelopeFor(ctx: ActionContext, recordPath: string, record: QuorumRecord, name: string): string {
  const given = ctx.deps.inputs.custodianEnvelope(name);
  if (given) return given;
  const custodian = record.custodians.find((c) => c.name === name);
  if (!custodian) throw engineError('CUSTODIAN_UNKNOWN', `${name} is not a custodian of the quorum in ${recordPath}.`, 'Name custodians of this quorum in "loginCustodians".');
  const folder = join(recordPath, '..');
  const prefix = `conclave-share-${record.ceremonyId}-${String(custodian.index).padStart(2, '0')}-`;
  const match = readdirSync(folder).find((n) => n.startsWith(prefix) && n.endsWith('.json'));
  if (!match) throw engineError('ENVELOPE_MISSING', `No envelope of ${name} was found in ${folder}.`, `Give ${name}'s envelope file in the answers (custodians.${name}.envelope).`);
  return join(folder, match);
}

/** Logs the quorum in: the first M custodians (or those the inputs name) present their envelopes. */
export async function quorumLogin(ctx: ActionContext): Promise<JsonObject> {
  const recordPath = recordPathFor(ctx);
  const { record } = await loadRecordFile(recordPath);
  const slotId = await ctx.slotId();
  const session = await QuorumLoginSession.begin(
    { hsm: ctx.deps.hsm, now: ctx.deps.now ?? (() => new Date()), scheduler: realScheduler, shareLifetimeMs: DEFAULT_SHARE_LIFETIME_MS, pollIntervalMs: 0, onChange: () => undefined },
    { record, recordPath, slotId, purpose: 'login' },
  );
  const chosen = ctx.deps.inputs.loginCustodians() ?? record.custodians.map((c) => c.name);
  const used: string[] = [];
  try {
    for (const name of chosen) {
      if (session.isLoggedIn) break;
      await session.present({ kind: 'file', path: envelopeFor(ctx, recordPath, record, name) }, needPassphrase(ctx, name));
      used.push(name);
    }
  } catch (error) {
    session.cancel();
    throw error;
  }
  if (!session.isLoggedIn) {
    session.cancel();
    throw engineError('QUORUM_NOT_REACHED', `The custodians who presented (${used.join(', ')}) do not satisfy the policy ${record.policySummary}.`, 'More custodians present their envelopes; retry the step.');
  }
  ctx.setLoggedIn(true);
  await establish(ctx, 'login', record, recordPath, used);
  return { policy: record.policySummary, custodians: used, record: relative(ctx.deps.dir, recordPath) };
}
