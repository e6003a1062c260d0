// The app's ceremony session: owns the one running CeremonyEngine, answers the ceremony
// and witness channels of the IPC contract with a CeremonyView, and pushes
// ceremonyChanged whenever a command finishes or the running step's HSM activity moves
// on. It decides nothing the engine enforces (order, preconditions, confirmations,
// acknowledgements, exceptions): it only refuses early what would otherwise turn a
// typing mistake into a recorded exception (a passphrase typed differently twice, a
// witness key file of someone else, a backup folder that is not one, a custodian the
// backup does not know), and it finalizes the folder after the seal.
//
// Secrets arrive with the request that needs them, as strings (IPC cannot carry
// anything else); they become bytes at once, live in HeldInputs for that one engine
// call and are overwritten when it returns. They are never part of a view or an event.
// A witness's own token is opened in an HSM worker of its own (openWitnessHsm), never
// through the ceremony token's worker. The medium an export step copies its bundle to is
// the administrator's choice for that one perform, held like the other inputs.
import { existsSync, readFileSync } from 'node:fs';
import { isDirectory } from '../../../native/probes/fs-read';
import { join, resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import { MAX_VIEWED_ENTRIES, type CeremonyView, type Channel, type CustodianInput, type RequestOf, type ResponseOf, type TranscriptEntryView } from '../../../preload/contract';
import type { HsmClient } from '../../hsm/hsm-client';
import type { KdfCost } from '../../quorum/kdf';
import { checkPassphrase, encodePassphrase } from '../../quorum/passphrase-policy';
import type { OsFacts } from '../../room/probe-room';
import { toErrorValue } from '../../status/error-value';
import { readTranscript, type ChainEntry, type JsonObject } from '../../transcript';
import { summarizeData } from '../folder/verify-view';
import { finalizeCeremonyFolder } from '../folder';
import { CeremonyEngine, kdfCost, rehearsalPinStore, TRANSCRIPT_FILE, type EngineDeps, type StepAnswers } from '../engine';
import { parseScript, type CeremonyScript, type ScriptStep, type StepOf } from '../script';
import { ActivityTracker, watchedHsm } from './activity';
import { assertBackupFolder, assertPresentersMeetPolicy, previewBackup, readRestoreRecord } from './backup-preview';
import { bundleFramesFor } from './bundle-frames';
import { HeldInputs, type HeldCustodian, type InputUse } from './held-inputs';
import { mediaForStep } from './media-listing';
import { assertAbsolute, assertNewFolder, scriptFromSource } from './open-source';
import { ensureRehearsalRecipient } from './rehearsal-recipient';
import { deriveCeremonyView, type FinalizeState, type ViewInput } from './view';
import { checkWitnessInputs, heldWitnesses } from './witness-inputs';
import { coveredEntries, witnessRequest } from './witness-request';

export type CeremonyChannel = Extract<Channel, `ceremony${string}` | `witness${string}`>;

export type CeremonyEvent = { name: 'ceremonyChanged'; payload: CeremonyView };

export type CeremonyService = { [C in CeremonyChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> } & {
  subscribe(listener: (event: CeremonyEvent) => void): () => void;
  /** Overwrites anything held and closes the open ceremony (an unsealed one can be resumed later). */
  close(): Promise<void>;
};

export interface CeremonyHsm {
  client: HsmClient;
  /** The client serves the throwaway rehearsal token. */
  rehearsal: boolean;
}

export interface CeremonySessionOptions {
  /** The HSM client in use now (the status service's), or null when no module is loaded. */
  hsm: () => Promise<CeremonyHsm | null>;
  /** Where the rehearsal token and its PIN file live (the status service's data folder). */
  dataDir: string;
  toolVersion: string;
  /** Argon2id cost for envelopes sealed in a ceremony; the engine's kdfCost by default (calibrated). */
  kdf?: () => Promise<KdfCost>;
  now?: () => Date;
  probeRoom?: () => OsFacts;
  /**
   * Starts an HSM client of its own with a witness's PKCS#11 module loaded, for the one
   * signature that witness makes with their token; the engine closes it afterwards.
   */
  openWitnessHsm: (modulePath: string) => Promise<HsmClient>;
  /**
   * Starts an HSM client of its own (module not loaded) whose worker uses this SoftHSM2
   * configuration: the built-in rehearsal sets up its bundle recipient through it.
   */
  openRehearsalHsm: (confPath: string) => Promise<HsmClient>;
  /** Where the removable-media probe reads the mount table and sysfs (tests point it at a fake tree). */
  mediaProbe?: RemovableMediaProbeOptions;
}

interface Opened {
  dir: string;
  script: CeremonyScript;
  /** Null once the ceremony is sealed or aborted: its transcript is closed, entries keeps it. */
  engine: CeremonyEngine | null;
  entries: readonly ChainEntry[];
  performed: Map<string, JsonObject>;
  preconditions: ViewInput['preconditions'];
  finalize: FinalizeState;
}

interface ProgressPlan {
  kind: 'setup' | 'login' | 'restore' | 'witness';
  total: number;
  uses: Map<string, number>;
}

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

const noHsm = () =>
  refused('NO_MODULE', 'No PKCS#11 module is loaded, so there is no token for the ceremony.', 'Choose the HSM module on the status screen (or start in rehearsal), then open the ceremony again.');

function actorText(actor: { role: string; name: string }): string {
  return `${actor.name} (${actor.role})`.slice(0, 200);
}

function entryView({ entry }: ChainEntry): TranscriptEntryView {
  return { seq: entry.seq, type: entry.type, at: entry.at, actor: actorText(entry.actor), summary: summarizeData(entry.data) };
}

/** The rehearsal flag of an existing transcript, read from its first line without changing anything. */
function recordedRehearsal(dir: string): boolean | null {
  try {
    const first = readFileSync(join(dir, TRANSCRIPT_FILE), 'utf8').split('\n', 1)[0] ?? '';
    const value = JSON.parse(first) as { type?: unknown; data?: { rehearsal?: unknown } };
    return value.type === 'ceremony-opened' && typeof value.data?.rehearsal === 'boolean' ? value.data.rehearsal : null;
  } catch {
    return null;
  }
}

class Session implements CeremonyService {
  private opened: Opened | null = null;
  private busy: string | null = null;
  private plan: ProgressPlan | null = null;
  private kdf: KdfCost | null = null;
  private closed = false;
  private readonly listeners = new Set<(event: CeremonyEvent) => void>();
  private readonly activity: ActivityTracker;
  private readonly held: HeldInputs;
  private readonly now: () => Date;

  constructor(private readonly options: CeremonySessionOptions) {
    this.now = options.now ?? (() => new Date());
    this.activity = new ActivityTracker(() => this.changed());
    this.held = new HeldInputs((use) => this.onInputUse(use));
  }

  // ------------------------------------------------------------------ opening

  async ceremonyOpen({ directory, source }: RequestOf<'ceremonyOpen'>): Promise<CeremonyView> {
    return this.opening('opening the ceremony', async () => {
      assertNewFolder(directory);
      const dir = resolve(directory);
      const { script, source: text } = await scriptFromSource(source);
      if (source.kind === 'template') await this.prepareRehearsalRecipient();
      const deps = await this.engineDeps(dir, script.ceremony.rehearsal);
      const engine = await CeremonyEngine.create(deps, script, text);
      return this.fresh(dir, script, engine);
    });
  }

  async ceremonyResume({ directory }: RequestOf<'ceremonyResume'>): Promise<CeremonyView> {
    return this.opening('resuming the ceremony', async () => {
      assertAbsolute(directory, 'ceremony folder');
      const dir = resolve(directory);
      const path = join(dir, TRANSCRIPT_FILE);
      if (!existsSync(path)) throw refused('TRANSCRIPT_NOT_FOUND', `There is no ceremony transcript in ${dir}.`, 'Choose the folder of the ceremony to resume (it holds transcript.jsonl).');
      const sealed = await this.sealedFolder(dir);
      if (sealed) return sealed;
      const deps = await this.engineDeps(dir, recordedRehearsal(dir));
      const engine = await CeremonyEngine.resume(deps);
      return this.fresh(dir, engine.script, engine);
    });
  }

  async ceremonyState(): Promise<CeremonyView | null> {
    const o = this.opened;
    if (!o) return null;
    if (!this.busy) await this.refreshPreconditions(o);
    return this.view(o);
  }

  async ceremonyClose(): Promise<null> {
    this.assertIdle();
    const o = this.opened;
    this.opened = null;
    this.held.wipe();
    await o?.engine?.close();
    return null;
  }

  // ------------------------------------------------------------------ steps

  ceremonyStartStep({ step }: RequestOf<'ceremonyStartStep'>): Promise<CeremonyView> {
    return this.command(`starting the step "${step}"`, (o) => this.engineOf(o).startStep(step));
  }

  ceremonyConfirm({ step, phrase }: RequestOf<'ceremonyConfirm'>): Promise<CeremonyView> {
    return this.command(`recording the confirmation of "${step}"`, (o) => this.engineOf(o).confirm(step, phrase));
  }

  ceremonyAcknowledge({ step, role, name }: RequestOf<'ceremonyAcknowledge'>): Promise<CeremonyView> {
    return this.command(`recording ${name}'s acknowledgement`, (o) => this.engineOf(o).acknowledge(step, role, name));
  }

  ceremonyPerform(request: RequestOf<'ceremonyPerform'>): Promise<CeremonyView> {
    return this.command(`performing the step "${request.step}"`, async (o) => {
      const engine = this.engineOf(o);
      const step = this.stepOf(o, request.step);
      const state = engine.state();
      if (state.openException || state.steps.find((x) => x.id === step.id)?.status !== 'started') {
        // Not performable now: the engine words the refusal (out of order, not started, exception open) before anything runs.
        await engine.perform(step.id, { airGapOverride: null, clockConfirmed: false });
        throw refused('STEP_NOT_STARTED', `The step "${step.id}" has not been started.`, 'Start it first.');
      }
      try {
        await this.holdFor(o, step, request);
        await this.perform(o, engine, step, { airGapOverride: null, clockConfirmed: request.clockConfirmed === true });
      } finally {
        this.held.wipe();
      }
    });
  }

  ceremonyComplete({ step }: RequestOf<'ceremonyComplete'>): Promise<CeremonyView> {
    return this.command(`completing the step "${step}"`, async (o) => {
      await this.engineOf(o).complete(step);
      o.performed.delete(step);
    });
  }

  ceremonyResolveException({ resolution, justification }: RequestOf<'ceremonyResolveException'>): Promise<CeremonyView> {
    return this.command(`resolving the exception (${resolution})`, async (o) => {
      const engine = this.engineOf(o);
      await engine.resolveException(resolution, justification ?? null);
      if (engine.state().aborted) await this.finish(o, engine);
    });
  }

  ceremonyOverrideAirGap({ reason }: RequestOf<'ceremonyOverrideAirGap'>): Promise<CeremonyView> {
    return this.command('recording the air-gap override', (o) => this.engineOf(o).overrideAirGap(reason));
  }

  ceremonyRelogin({ custodians, quorumRecordPath }: RequestOf<'ceremonyRelogin'>): Promise<CeremonyView> {
    return this.command('logging the quorum in again', async (o) => {
      const engine = this.engineOf(o);
      try {
        this.holdLogin(o, custodians, quorumRecordPath ?? null);
        this.activity.begin(null, 'The quorum logs in again');
        await engine.relogin();
      } finally {
        this.held.wipe();
        this.plan = null;
        this.activity.end();
      }
    });
  }

  ceremonyFinalize(): Promise<CeremonyView> {
    return this.command('finalizing the ceremony folder', async (o) => {
      if (o.engine || !o.entries.some((e) => e.entry.type === 'sealed')) {
        throw refused('CEREMONY_NOT_SEALED', 'The ceremony is not sealed, so its folder cannot be finalized yet.', 'Continue the ceremony to its seal.');
      }
      await this.finalize(o);
    });
  }

  // ------------------------------------------------------------------ witnesses

  async witnessReview({ step }: RequestOf<'witnessReview'>): Promise<ResponseOf<'witnessReview'>> {
    const o = this.requireOpen();
    const entries = this.entriesOf(o);
    const request = this.view(o).witness;
    if (!request || request.step !== step) throw this.nothingToSign(o, step);
    const covered = coveredEntries(entries, request);
    const shown = covered.slice(-MAX_VIEWED_ENTRIES);
    return {
      ceremonyId: o.script.ceremony.id,
      title: o.script.ceremony.title,
      rehearsal: o.script.ceremony.rehearsal,
      request,
      entries: shown.map(entryView),
      entriesLeftOut: covered.length - shown.length,
    };
  }

  witnessSign({ step, reviewedHash, witnesses }: RequestOf<'witnessSign'>): Promise<CeremonyView> {
    return this.command('the witnesses signing', async (o) => {
      const engine = this.engineOf(o);
      const request = witnessRequest({ script: o.script, entries: engine.writer.entries, state: engine.state(), busy: null });
      if (!request || request.step !== step) throw this.nothingToSign(o, step);
      if (!request.ready) throw refused('WITNESS_NOT_READY', request.blockedBy ?? 'The witnesses cannot sign now.', 'Wait until the step is ready for signing, then review again.');
      if (reviewedHash !== request.reviewHash) {
        throw refused('REVIEW_OUTDATED', 'The transcript changed after you reviewed it, so what you reviewed is not what would be signed.', 'Review the entries again, then sign.');
      }
      await checkWitnessInputs(request, witnesses);
      try {
        this.held.holdWitnesses(heldWitnesses(witnesses));
        this.plan = { kind: 'witness', total: witnesses.length, uses: new Map() };
        await this.perform(o, engine, this.stepOf(o, step), { airGapOverride: null, clockConfirmed: false });
      } finally {
        this.held.wipe();
      }
    });
  }

  /** Reads the backup folder a restore step would use: public files only, nothing recorded. */
  async ceremonyInspectBackup({ step, directory }: RequestOf<'ceremonyInspectBackup'>): Promise<ResponseOf<'ceremonyInspectBackup'>> {
    const o = this.requireOpen();
    const found = this.stepOf(o, step);
    if (found.action !== 'restore-key') {
      throw refused('NOT_A_RESTORE_STEP', `The step "${step}" restores no key, so it reads no backup folder.`, 'Read the backup folder at the restore step.');
    }
    return previewBackup(directory, found, o.script.ceremony.rehearsal);
  }

  /** The removable media mounted now, checked against the export step's allow-list; reads only. */
  async ceremonyListMedia({ step }: RequestOf<'ceremonyListMedia'>): Promise<ResponseOf<'ceremonyListMedia'>> {
    const o = this.requireOpen();
    return mediaForStep(this.exportStepOf(o, step), this.options.mediaProbe ?? {});
  }

  /** The export step's bundle as QR frame texts, from the file the transcript records (its SHA-256 checked); reads only. */
  async ceremonyBundleFrames({ step }: RequestOf<'ceremonyBundleFrames'>): Promise<ResponseOf<'ceremonyBundleFrames'>> {
    const o = this.requireOpen();
    return bundleFramesFor(o.dir, o.script, this.exportStepOf(o, step), this.entriesOf(o));
  }

  // ------------------------------------------------------------------ service

  subscribe(listener: (event: CeremonyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.held.wipe();
    const engine = this.opened?.engine;
    this.opened = null;
    this.listeners.clear();
    await engine?.close().catch(() => undefined);
  }

  // ------------------------------------------------------------------ internals

  private assertIdle(): void {
    if (this.closed) throw refused('SERVICE_CLOSED', 'The ceremony service has been closed.', 'Restart Conclave.');
    if (this.busy) throw refused('CEREMONY_BUSY', `Conclave is busy ${this.busy}.`, 'Wait until it has finished; the screen shows its progress.');
  }

  private requireOpen(): Opened {
    if (this.closed) throw refused('SERVICE_CLOSED', 'The ceremony service has been closed.', 'Restart Conclave.');
    if (!this.opened) throw refused('CEREMONY_NOT_OPEN', 'No ceremony is open.', 'Open a ceremony (or resume one) on the ceremony screen.');
    return this.opened;
  }

  private engineOf(o: Opened): CeremonyEngine {
    if (o.engine) return o.engine;
    const aborted = o.entries.some((e) => e.entry.type === 'exception-resolved' && e.entry.data.resolution === 'abort');
    throw refused(
      aborted ? 'CEREMONY_ABORTED' : 'CEREMONY_SEALED',
      aborted ? 'The ceremony was aborted; nothing more happens in it.' : 'The ceremony is sealed; nothing can be added to its transcript.',
      aborted ? 'Start a new ceremony in another folder.' : 'Verify the folder, or start a new ceremony in another folder.',
    );
  }

  private stepOf(o: Opened, id: string): ScriptStep {
    const step = o.script.steps.find((s) => s.id === id);
    if (!step) throw refused('STEP_UNKNOWN', `The script has no step "${id}".`, `Choose one of: ${o.script.steps.map((s) => s.id).join(', ')}.`);
    return step;
  }

  private exportStepOf(o: Opened, id: string): StepOf<'export-bundle'> {
    const found = this.stepOf(o, id);
    if (found.action !== 'export-bundle') {
      throw refused('NOT_AN_EXPORT_STEP', `The step "${id}" exports no bundle.`, 'Choose the medium, and show the QR codes, at an export-bundle step.');
    }
    return found;
  }

  private entriesOf(o: Opened): readonly ChainEntry[] {
    return o.engine ? o.engine.writer.entries : o.entries;
  }

  private nothingToSign(o: Opened, step: string): DomainError {
    return refused('WITNESS_NOTHING_TO_SIGN', `The ceremony is not at a step where witnesses sign "${step}".`, `The ceremony is at ${this.view(o).current?.title ?? 'no step'}; witnesses sign at the witness-sign and seal steps.`);
  }

  /** Opens or resumes: only when no unsealed ceremony is open (a finished one is replaced). */
  private async opening(label: string, open: () => Promise<Opened>): Promise<CeremonyView> {
    this.assertIdle();
    const current = this.opened;
    if (current?.engine) {
      throw refused('CEREMONY_ALREADY_OPEN', `The ceremony ${current.script.ceremony.id} in ${current.dir} is open.`, 'Close it first (it can be resumed later), then open the other one.');
    }
    this.busy = label;
    let opened: Opened;
    try {
      opened = await open();
    } finally {
      this.busy = null;
    }
    this.opened = opened;
    await this.settle(opened);
    return this.view(opened);
  }

  private fresh(dir: string, script: CeremonyScript, engine: CeremonyEngine | null, entries: readonly ChainEntry[] = []): Opened {
    return { dir, script, engine, entries, performed: new Map(), preconditions: null, finalize: { finalized: false, outputs: [], error: null } };
  }

  /** A sealed folder (a seal recorded before a crash kept the folder from being finalized) is opened to finalize it. */
  private async sealedFolder(dir: string): Promise<Opened | null> {
    let contents: Awaited<ReturnType<typeof readTranscript>>;
    try {
      contents = await readTranscript(join(dir, TRANSCRIPT_FILE));
    } catch {
      // Torn or damaged: the engine's resume recovers it and says precisely what it found.
      return null;
    }
    if (!contents.sealed) return null;
    const first = contents.entries[0]?.entry;
    if (first?.type !== 'ceremony-opened') return null;
    const script = parseScript(first.data.script.text, { format: first.data.script.format });
    const opened = this.fresh(dir, script, null, contents.entries);
    await this.finalize(opened);
    return opened;
  }

  private async engineDeps(dir: string, rehearsalScript: boolean | null): Promise<EngineDeps> {
    const active = await this.options.hsm();
    if (!active) throw noHsm();
    const module = active.client.module;
    if (!module) throw noHsm();
    if (active.rehearsal && rehearsalScript === false) {
      throw refused(
        'REHEARSAL_TOKEN_FOR_REAL_CEREMONY',
        'Conclave is running on the throwaway rehearsal token, and this ceremony is not a rehearsal.',
        "Choose the HSM's PKCS#11 module on the status screen first; a real ceremony never runs on the rehearsal token.",
      );
    }
    return {
      dir,
      hsm: watchedHsm(active.client, this.activity),
      modulePath: module.path,
      inputs: this.held,
      kdf: await this.kdfCost(),
      rehearsalPins: active.rehearsal ? rehearsalPinStore(this.options.dataDir) : null,
      toolVersion: this.options.toolVersion,
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.probeRoom ? { probeRoom: this.options.probeRoom } : {}),
      // Listing and writing see the same mount table.
      ...(this.options.mediaProbe ? { mediaProbe: this.options.mediaProbe } : {}),
      openWitnessHsm: async (modulePath) => watchedHsm(await this.options.openWitnessHsm(modulePath), this.activity),
    };
  }

  /**
   * The built-in rehearsal exports to the rehearsal recipient, which only the throwaway
   * rehearsal token can have beside it; it is set up there once (a transport KEK shared
   * by the two tokens) before the ceremony opens, as a recipient's HSM is prepared before
   * a real export.
   */
  private async prepareRehearsalRecipient(): Promise<void> {
    const active = await this.options.hsm();
    if (!active?.client.module) throw noHsm();
    if (!active.rehearsal) {
      throw refused(
        'REHEARSAL_TOKEN_NEEDED',
        'The built-in rehearsal runs on the throwaway rehearsal token, and Conclave is using an HSM module now.',
        'Go back to the rehearsal token on the status screen, or open a script file written for this HSM.',
      );
    }
    await ensureRehearsalRecipient({ dataDir: this.options.dataDir, modulePath: active.client.module.path, openHsm: this.options.openRehearsalHsm });
  }

  private async kdfCost(): Promise<KdfCost> {
    if (!this.kdf) this.kdf = await (this.options.kdf ?? (() => kdfCost(process.env)))();
    return this.kdf;
  }

  /** Runs one command on the open ceremony; whatever happens, the screens get the new view. */
  private async command(label: string, run: (o: Opened) => Promise<void>): Promise<CeremonyView> {
    this.assertIdle();
    const o = this.requireOpen();
    this.busy = label;
    this.changed();
    try {
      await run(o);
    } finally {
      this.busy = null;
      await this.settle(o);
    }
    return this.view(o);
  }

  private async settle(o: Opened): Promise<void> {
    await this.refreshPreconditions(o);
    this.changed();
  }

  private async refreshPreconditions(o: Opened): Promise<void> {
    const engine = o.engine;
    if (!engine) {
      o.preconditions = null;
      return;
    }
    const state = engine.state();
    const next = state.steps.find((s) => s.status === 'pending' || s.status === 'started');
    if (!next || state.openException || state.sealed || state.aborted) {
      o.preconditions = null;
      return;
    }
    const step = this.stepOf(o, next.id);
    const problems = new Map<string, string | null>();
    for (const p of step.preconditions) {
      try {
        problems.set(p, await engine.preconditionProblem(p));
      } catch (error) {
        problems.set(p, toErrorValue(error, { code: 'PRECONDITION_CHECK_FAILED', action: '' }).message);
      }
    }
    o.preconditions = { step: step.id, problems };
  }

  private view(o: Opened): CeremonyView {
    return deriveCeremonyView({
      directory: o.dir,
      script: o.script,
      entries: this.entriesOf(o),
      loggedIn: o.engine?.isLoggedIn ?? false,
      performed: o.performed,
      preconditions: o.preconditions,
      activity: this.activity.view(),
      busy: this.busy,
      finalize: o.finalize,
      now: this.now(),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    });
  }

  private changed(): void {
    const o = this.opened;
    if (!o || this.listeners.size === 0) return;
    const payload = this.view(o);
    for (const listener of [...this.listeners]) {
      try {
        listener({ name: 'ceremonyChanged', payload });
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }

  private async perform(o: Opened, engine: CeremonyEngine, step: ScriptStep, answers: StepAnswers): Promise<void> {
    this.activity.begin(step.id, step.title);
    try {
      const result = await engine.perform(step.id, answers);
      o.performed.set(step.id, result);
      if (step.action === 'seal') {
        this.activity.describe('Sealed. Writing report.html, report.pdf and SHA256SUMS into the ceremony folder');
        await this.finish(o, engine);
      }
    } finally {
      this.plan = null;
      this.activity.end();
    }
  }

  /** A sealed or aborted ceremony: the transcript is closed (its lock released), then a sealed one is finalized. */
  private async finish(o: Opened, engine: CeremonyEngine): Promise<void> {
    o.entries = [...engine.writer.entries];
    o.engine = null;
    o.performed.clear();
    o.preconditions = null;
    await engine.close();
    if (o.entries.some((e) => e.entry.type === 'sealed')) await this.finalize(o);
  }

  private async finalize(o: Opened): Promise<void> {
    try {
      const result = await finalizeCeremonyFolder(o.dir);
      o.finalize = { finalized: true, outputs: result.outputs.map((x) => x.path), error: null };
    } catch (error) {
      o.finalize = { finalized: false, outputs: [], error: toErrorValue(error, { code: 'FINALIZE_FAILED', action: 'Check that the ceremony folder is writable, then finalize again.' }) };
    }
  }

  /** Checks the people's inputs for the step and holds them for its one perform. */
  private async holdFor(o: Opened, step: ScriptStep, request: RequestOf<'ceremonyPerform'>): Promise<void> {
    const { custodians, quorumRecordPath, backupFolder } = request;
    if (request.medium) this.holdMedium(step, request.medium);
    if (step.action === 'restore-key') {
      await this.holdRestore(step, custodians ?? [], backupFolder ?? null);
      return;
    }
    if (backupFolder) {
      throw refused('INPUT_NOT_EXPECTED', `The step "${step.id}" reads no backup folder; nothing was kept.`, 'Perform the step without it.');
    }
    if (step.action === 'quorum-setup' || step.action === 'backup-key') {
      // A key backup seals one envelope per custodian, as the quorum setup does.
      this.holdSetup(o, custodians ?? []);
      return;
    }
    if (step.action === 'quorum-login') {
      this.holdLogin(o, custodians ?? [], quorumRecordPath ?? null);
      return;
    }
    if (custodians || quorumRecordPath) {
      throw refused('INPUT_NOT_EXPECTED', `The step "${step.id}" takes no custodian passphrases in this app; nothing was kept.`, 'Perform the step without them.');
    }
    if (step.action === 'confirm-clock-utc' && request.clockConfirmed !== true) {
      throw refused('CLOCK_NOT_CONFIRMED', 'The administrator has not confirmed the workstation clock as UTC.', 'Compare the clock with an independent UTC source, tick the confirmation, then perform the step.');
    }
    if (step.action === 'witness-sign' || step.action === 'seal') {
      const pending = this.view(o).witness?.signers.filter((s) => !s.signed) ?? [];
      if (pending.length > 0) {
        throw refused('WITNESSES_SIGN_THERE', `The witnesses (${pending.map((s) => s.name).join(', ')}) sign this step themselves, after reviewing it.`, 'Open the witness screen: each witness reviews the entries and signs.');
      }
    }
  }

  /** The folder exists, and a confirmation typed for a fixed disk is that folder: typing mistakes are refused before anything is recorded. */
  private holdMedium(step: ScriptStep, medium: NonNullable<RequestOf<'ceremonyPerform'>['medium']>): void {
    if (step.action !== 'export-bundle') {
      throw refused('INPUT_NOT_EXPECTED', `The step "${step.id}" copies nothing to a medium; nothing was kept.`, 'Perform the step without choosing a medium.');
    }
    const { directory } = medium;
    assertAbsolute(directory, 'folder on the medium');
    if (!isDirectory(directory)) {
      throw refused('MEDIUM_FOLDER_NOT_FOUND', `There is no folder ${directory}.`, 'Check that the medium is mounted and the folder exists, then perform the step again.');
    }
    const confirmation = medium.nonRemovableConfirmation ?? null;
    if (confirmation !== null && confirmation !== directory) {
      throw refused(
        'CONFIRMATION_MISMATCH',
        `The folder typed to confirm a fixed disk ("${confirmation.slice(0, 200)}") is not the folder chosen, ${directory}.`,
        'Type the chosen folder again exactly, or leave the confirmation empty when the folder is on a removable medium.',
      );
    }
    this.held.holdExportMedium(step.id, { directory, nonRemovableConfirmation: confirmation });
  }

  private custodianNamed(o: Opened, name: string): void {
    if (!o.script.participants.custodians.some((c) => c.name === name)) {
      throw refused('NOT_A_CUSTODIAN', `${name} is not a custodian of this ceremony.`, `The custodians are: ${o.script.participants.custodians.map((c) => c.name).join(', ')}.`);
    }
  }

  private holdSetup(o: Opened, given: CustodianInput[]): void {
    const names = o.script.participants.custodians.map((c) => c.name);
    const seen = new Set<string>();
    for (const c of given) {
      this.custodianNamed(o, c.name);
      if (seen.has(c.name)) throw refused('CUSTODIAN_TWICE', `${c.name} is given twice.`, 'Each custodian types their passphrase once (and once more to confirm it).');
      seen.add(c.name);
      if (c.envelopePath) throw refused('INPUT_NOT_EXPECTED', 'The quorum setup writes the envelopes itself; no envelope file is given.', 'Leave the envelope out.');
      if (c.passphraseRepeat === undefined || c.passphraseRepeat.normalize('NFC') !== c.passphrase.normalize('NFC')) {
        throw refused('PASSPHRASES_DIFFER', `${c.name}'s two entries of the passphrase differ.`, `${c.name} types the same passphrase twice.`);
      }
      const strength = checkPassphrase(c.passphrase, { custodianName: c.name });
      if (!strength.ok) throw refused('PASSPHRASE_WEAK', `${c.name}'s passphrase is too weak: ${strength.reason}`, `${c.name} chooses another passphrase.`);
    }
    const missing = names.filter((n) => !seen.has(n));
    if (missing.length > 0) throw refused('CUSTODIANS_MISSING', `Every custodian chooses a passphrase at setup; missing: ${missing.join(', ')}.`, 'Each custodian types their passphrase, then perform the step.');
    this.held.holdCustodians(
      names.map((name): HeldCustodian => ({ name, passphrase: encodePassphrase(given.find((c) => c.name === name)!.passphrase), envelope: null })),
      false,
    );
    this.plan = { kind: 'setup', total: names.length, uses: new Map() };
  }

  /**
   * A restore: the backup folder and the custodians who present their backup-key envelopes,
   * in order. They are the backup's custodians (not necessarily this ceremony's), so the
   * names and the policy are checked against the backup record when it can be read; when it
   * cannot, the engine says why and records it.
   */
  private async holdRestore(step: StepOf<'restore-key'>, given: CustodianInput[], folder: string | null): Promise<void> {
    if (!folder) throw refused('BACKUP_FOLDER_MISSING', 'No backup ceremony folder was given to restore from.', "Give the backup ceremony's folder (it holds the wrapped key and the backup-shares folder).");
    assertBackupFolder(folder);
    if (given.length === 0) throw refused('CUSTODIANS_MISSING', 'No custodian presented a backup-key envelope.', "Custodians of the backup type their envelope's passphrase, enough to meet its policy.");
    const seen = new Set<string>();
    for (const c of given) {
      if (seen.has(c.name)) throw refused('CUSTODIAN_TWICE', `${c.name} is given twice.`, 'Each custodian presents once.');
      seen.add(c.name);
      if (c.envelopePath) assertAbsolute(c.envelopePath, `backup-key envelope of ${c.name}`);
    }
    const record = await readRestoreRecord(resolve(folder), step).catch(() => null);
    if (record) assertPresentersMeetPolicy(record, given.map((c) => c.name));
    else if (!existsSync(join(folder, step.params.wrappedKeyFile)) && !existsSync(join(folder, step.params.sharesFolder))) {
      throw refused(
        'NOT_A_BACKUP_FOLDER',
        `${folder} holds neither ${step.params.wrappedKeyFile} nor ${step.params.sharesFolder}/, so it is not the backup ceremony's folder.`,
        "Give the backup ceremony's own folder (the one its transcript.jsonl is in).",
      );
    }
    this.held.holdBackup(
      resolve(folder),
      given.map((c): HeldCustodian => ({ name: c.name, passphrase: encodePassphrase(c.passphrase), envelope: c.envelopePath ?? null })),
    );
    this.plan = { kind: 'restore', total: given.length, uses: new Map() };
  }

  private holdLogin(o: Opened, given: CustodianInput[], recordPath: string | null): void {
    if (given.length === 0) throw refused('CUSTODIANS_MISSING', 'No custodian presented.', 'A quorum of custodians types their passphrases.');
    const seen = new Set<string>();
    for (const c of given) {
      this.custodianNamed(o, c.name);
      if (seen.has(c.name)) throw refused('CUSTODIAN_TWICE', `${c.name} is given twice.`, 'Each custodian presents once.');
      seen.add(c.name);
      if (c.envelopePath) assertAbsolute(c.envelopePath, `envelope file of ${c.name}`);
    }
    const { threshold, groups } = o.script.quorum;
    if (!groups && given.length < threshold) {
      throw refused('QUORUM_TOO_SMALL', `${given.length} custodian${given.length === 1 ? '' : 's'} presented; the policy needs ${threshold}.`, `${threshold - given.length} more custodian${threshold - given.length === 1 ? '' : 's'} type their passphrases.`);
    }
    if (recordPath) assertAbsolute(recordPath, 'quorum record');
    const hasSetup = o.script.steps.some((s) => s.action === 'quorum-setup');
    if (!hasSetup && !recordPath) throw refused('QUORUM_RECORD_MISSING', 'The script sets no quorum up, so the login needs the quorum record file.', 'Give the path of the quorum record (quorum-record.json).');
    this.held.holdCustodians(
      given.map((c): HeldCustodian => ({ name: c.name, passphrase: encodePassphrase(c.passphrase), envelope: c.envelopePath ?? null })),
      true,
    );
    this.held.holdQuorumRecord(recordPath);
    this.plan = { kind: 'login', total: given.length, uses: new Map() };
  }

  private onInputUse(use: InputUse): void {
    const plan = this.plan;
    if (!plan) return;
    const uses = (plan.uses.get(use.name) ?? 0) + 1;
    plan.uses.set(use.name, uses);
    const unit = plan.kind === 'witness' ? 'witnesses' : 'custodians';
    if (plan.kind === 'setup') {
      const done = [...plan.uses.values()].filter((n) => n >= 2).length;
      const label = uses === 1 ? `Sealing ${use.name}'s envelope under their passphrase (Argon2id), then saving it` : `Proving ${use.name}'s saved envelope opens with their passphrase`;
      this.activity.describe(label, { done, total: plan.total, unit });
      return;
    }
    const label =
      plan.kind === 'login'
        ? `${use.name} presents their share: the envelope is opened and checked`
        : plan.kind === 'restore'
          ? `${use.name} presents their backup-key envelope: it is opened and its share checked against the backup record`
          : `${use.name}'s key signs`;
    this.activity.describe(label, { done: plan.uses.size - 1, total: plan.total, unit });
  }
}

export function createCeremonyService(options: CeremonySessionOptions): CeremonyService {
  return new Session(options);
}
