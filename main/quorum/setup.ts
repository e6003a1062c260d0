// Quorum setup: the state machine the ceremony engine drives (and the setup screens,
// through the quorum service). begin → seal each custodian's envelope → save it to that
// custodian's medium → each custodian proves receipt by re-opening what was saved →
// complete, which only then sets the token's PINs (journaled), writes the public quorum
// record and overwrites every secret in memory. Steps happen once, in order; an
// out-of-order or repeated call is refused with an error that says what to do instead.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isDirectory } from '../../native/probes/fs-read';
import { dirname, isAbsolute, join } from 'node:path';
import { DomainError } from '../../native/errors';
import type { TokenInfoFacts } from '../../native/hsm/protocol';
import type { ErrorValue, EnvelopeSource, QuorumSetupView } from '../../preload/contract';
import { renameNoReplace, sha256Hex, writeFileAtomic } from '../files/atomic-write';
import { equalBytes, utf8 } from './bytes';
import { secretDigest } from './commitments';
import { envelopeMetadata, openEnvelope, parseEnvelope, sealEnvelope } from './envelope';
import { envelopeQrPng, readEnvelopeSource } from './envelope-source';
import { compactFingerprint } from './fingerprint';
import { assertKdfParams, type KdfCost } from './kdf';
import { checkPassphrase } from './passphrase-policy';
import { custodianOf, describePolicy, parsePolicy, policyId } from './policy';
import {
  journalStory,
  markStep,
  PENDING_FILE,
  readJournal,
  RECORD_FILE,
  removeJournal,
  saveJournal,
  supersededName,
  type Journal,
  type StepName,
} from './quorum-journal';
import { assertSameToken, describeToken, tokenInSlot, tokenRandomFor, type QuorumHsm } from './quorum-hsm';
import { serializeQuorumRecord } from './record';
import { generatePins, type EntropySource } from './secret-generation';
import { splitSecret } from './sharing';
import { SECRET_IDS, type EnvelopeMetadata, type Fingerprint, type OpenedShares, type QuorumPolicy, type QuorumRecord, type SecretId } from './types';
import { custodianSlug } from './custodian-slug';

export type Secrets = Record<SecretId, Uint8Array>;

/** Reads and replaces the throwaway rehearsal token's PIN file (main/hsm/rehearsal-token.ts). */
export interface RehearsalPinStore {
  /** The token label the PIN file belongs to. */
  label: string;
  read(): { soPin: Uint8Array; userPin: Uint8Array };
  write(pins: { soPin: Uint8Array; userPin: Uint8Array }): void;
}

export interface SetupContext {
  hsm: QuorumHsm;
  now: () => Date;
  /** Marks envelopes and record as rehearsal (the app is using the rehearsal token). */
  rehearsal: boolean;
  /** The rehearsal token's PIN file; null outside rehearsal. */
  rehearsalPins: RehearsalPinStore | null;
  /** Argon2id cost for every envelope of this setup (calibrated, or fixed by a test); never below the minimum. */
  kdf: KdfCost;
}

export interface SetupRequest {
  slotId: string;
  ceremonyId?: string;
  /** A policy as typed (PolicyInput); parsed strictly here. */
  policy: unknown;
  outputDirectory: string;
  /** Label for an uninitialized token, which setup initializes. */
  tokenLabel?: string;
  /** Current PINs of an initialized token. Setup keeps its own copies (overwritten when it ends); the caller overwrites these. */
  currentPins?: { soPin: Uint8Array; userPin: Uint8Array };
}

/** A re-share's binding: the in-flight nonce, the record it replaces, and that quorum's verified PINs. */
export interface ReshareBinding {
  nonce: string;
  old: { record: QuorumRecord; path: string; hash: string };
  /** The current PINs, combined by the old quorum and digest-checked; the setup overwrites them when done. */
  currentPins: () => Secrets | null;
}

interface CustodianState {
  index: number;
  name: string;
  group: string | null;
  shares: OpenedShares | null;
  sealed: { text: string; metadata: EnvelopeMetadata; fingerprint: Fingerprint } | null;
  saved: { path: string; sha256: string } | null;
  proven: boolean;
  failedProofs: number;
}

type Phase = QuorumSetupView['phase'];

const CEREMONY_ID = /^[A-Za-z0-9._-]{1,128}$/;

function setupError(code: string, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}

function wipe(secrets: Partial<Secrets> | null | undefined): void {
  if (!secrets) return;
  for (const id of SECRET_IDS) secrets[id]?.fill(0);
}

function newCeremonyId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `quorum-${day}-${randomBytes(4).toString('hex')}`;
}

function assertDirectory(path: string, what: string): void {
  if (!isAbsolute(path)) throw setupError('PATH_NOT_ABSOLUTE', `The ${what} "${path}" is not an absolute path.`, 'Choose the folder again.');
  if (!isDirectory(path)) throw setupError('DIRECTORY_NOT_FOUND', `The ${what} ${path} does not exist or is not a folder.`, 'Check that the medium is mounted and choose an existing folder.');
}

/** Errors after which it is unknown whether the call reached the token. */
const LOST_CALL = new Set(['WORKER_CRASHED', 'WORKER_UNRESPONSIVE', 'WORKER_CLOSED']);

const whatSecret = (id: SecretId) => (id === 'user-pin' ? 'user PIN' : 'SO PIN');

export class QuorumSetup {
  readonly setupId: string;
  readonly ceremonyId: string;
  readonly policy: QuorumPolicy;
  readonly policyId: string;
  readonly outputDirectory: string;
  readonly recordPath: string;
  /** Where the randomness of the new PINs came from. */
  readonly entropy: EntropySource;
  private readonly custodians: CustodianState[];
  private secrets: Secrets | null;
  private currentPins: Secrets | null;
  private phaseOverride: 'complete' | 'failed' | 'cancelled' | null = null;
  private failure: ErrorValue | null = null;
  private writtenRecordPath: string | null = null;
  private busy = false;
  private record: QuorumRecord | null = null;

  private constructor(
    private readonly ctx: SetupContext,
    init: {
      setupId: string;
      ceremonyId: string;
      policy: QuorumPolicy;
      outputDirectory: string;
      secrets: Secrets;
      shares: Map<number, OpenedShares>;
      currentPins: Secrets | null;
      entropy: EntropySource;
      slotId: string;
      token: { initialized: boolean; serial: string; label: string };
      reshare: ReshareBinding | null;
    },
  ) {
    this.setupId = init.setupId;
    this.ceremonyId = init.ceremonyId;
    this.policy = init.policy;
    this.policyId = policyId(init.policy);
    this.outputDirectory = init.outputDirectory;
    this.recordPath = join(init.outputDirectory, RECORD_FILE);
    this.secrets = init.secrets;
    this.currentPins = init.currentPins;
    this.entropy = init.entropy;
    this.slotId = init.slotId;
    this.token = init.token;
    this.reshare = init.reshare;
    this.custodians = init.policy.custodians.map((c, i) => ({
      index: i + 1,
      name: c.name,
      group: c.group ?? null,
      shares: init.shares.get(i + 1) ?? null,
      sealed: null,
      saved: null,
      proven: false,
      failedProofs: 0,
    }));
  }

  readonly slotId: string;
  readonly token: { initialized: boolean; serial: string; label: string };
  readonly reshare: ReshareBinding | null;

  /**
   * Starts a setup: checks the policy, the output folder and the token, draws fresh PINs
   * (token RNG mixed with the OS CSPRNG) and splits them. Nothing is written and the
   * token is not changed. For an initialized token the current PINs are checked now
   * (one login each), so a typo is found before the custodians start.
   */
  static async begin(ctx: SetupContext, request: SetupRequest, reshare: ReshareBinding | null = null): Promise<QuorumSetup> {
    let currentPins: Secrets | null = request.currentPins
      ? { 'so-pin': Uint8Array.from(request.currentPins.soPin), 'user-pin': Uint8Array.from(request.currentPins.userPin) }
      : null;
    let secrets: Secrets | null = null;
    const shares = new Map<number, OpenedShares>();
    try {
      assertKdfParams(ctx.kdf);
      const policy = parsePolicy(request.policy);
      const now = ctx.now();
      const ceremonyId = reshare ? reshare.old.record.ceremonyId : (request.ceremonyId ?? newCeremonyId(now));
      if (!CEREMONY_ID.test(ceremonyId)) {
        throw setupError('CEREMONY_ID_INVALID', `The ceremony id "${ceremonyId.slice(0, 140)}" is not allowed.`, 'Use 1 to 128 letters, digits, dots, dashes or underscores.');
      }
      assertDirectory(request.outputDirectory, 'output folder');
      const pending = readJournal(request.outputDirectory);
      if (pending) {
        throw setupError(
          'QUORUM_CHANGE_PENDING',
          `${join(request.outputDirectory, PENDING_FILE)} records an unfinished quorum change. ${journalStory(pending)}`,
          'Resolve it first: open a quorum login with the record in that folder (Conclave finishes a change whose token steps completed), or follow the ceremony transcript before starting another setup.',
        );
      }
      const recordPath = join(request.outputDirectory, RECORD_FILE);
      if (existsSync(recordPath) && !(reshare && reshare.old.path === recordPath)) {
        throw setupError('FILE_EXISTS', `${recordPath} already exists: that folder holds another quorum's record.`, 'Choose an empty folder for this quorum\'s record.');
      }

      const slots = await ctx.hsm.listSlots();
      const { token } = await tokenInSlot(ctx.hsm, request.slotId);
      const initialized = token.flags.tokenInitialized;
      const name = describeToken(token, request.slotId);
      if (token.flags.writeProtected) {
        throw setupError('TOKEN_WRITE_PROTECTED', `The ${name} is write-protected, so its PINs cannot be set.`, 'Remove the write protection (or use another token) and start again.');
      }
      let label: string;
      if (reshare) {
        assertSameToken(token, reshare.old.record.token, request.slotId);
        label = token.label;
        currentPins = null;
      } else if (initialized) {
        if (token.flags.soPinLocked) throw setupError('PIN_LOCKED', `The SO PIN of the ${name} is locked.`, 'The token must be reset by its vendor procedure; no quorum can be set up on it now.');
        label = token.label;
        if (!currentPins && ctx.rehearsalPins && token.label === ctx.rehearsalPins.label) {
          const pins = ctx.rehearsalPins.read();
          currentPins = { 'so-pin': pins.soPin, 'user-pin': pins.userPin };
        }
        if (!currentPins) {
          throw setupError(
            'CURRENT_PINS_REQUIRED',
            `The ${name} is already initialized: setup replaces its SO PIN and user PIN, and needs the current ones to do so.`,
            'The administrator types the current SO PIN and user PIN once; they are used only to change the PINs and then overwritten.',
          );
        }
        await verifyCurrentPins(ctx.hsm, request.slotId, currentPins, name);
      } else {
        wipe(currentPins);
        currentPins = null;
        const wanted = request.tokenLabel?.trim() ?? '';
        if (!wanted) {
          throw setupError('TOKEN_LABEL_REQUIRED', `The ${name} is not initialized; setup initializes it and needs a label for it.`, 'Enter a token label (up to 32 characters) and start again.');
        }
        label = wanted;
      }

      const generated = await generatePins(tokenRandomFor(ctx.hsm, request.slotId, slots), { minPinLength: token.minPinLength, maxPinLength: token.maxPinLength }, `The ${name}`);
      secrets = generated.secrets;
      for (const id of SECRET_IDS) {
        const split = await splitSecret(secrets[id], policy);
        for (const [index, share] of split) {
          const entry = shares.get(index) ?? ({} as OpenedShares);
          entry[id] = share;
          shares.set(index, entry);
        }
      }
      const setup = new QuorumSetup(ctx, {
        setupId: randomBytes(16).toString('hex'),
        ceremonyId,
        policy,
        outputDirectory: request.outputDirectory,
        secrets,
        shares,
        currentPins,
        entropy: generated.entropy,
        slotId: request.slotId,
        token: { initialized, serial: token.serial, label },
        reshare,
      });
      return setup;
    } catch (error) {
      wipe(currentPins);
      wipe(secrets);
      for (const s of shares.values()) wipe(s);
      throw error;
    }
  }

  // ---------------------------------------------------------------- views

  get phase(): Phase {
    if (this.phaseOverride) return this.phaseOverride;
    if (!this.custodians.every((c) => c.sealed && c.saved)) return 'sealing';
    if (!this.custodians.every((c) => c.proven)) return 'receipts';
    return 'ready-to-complete';
  }

  /** The record written by complete(), once written. */
  get completedRecord(): QuorumRecord | null {
    return this.phaseOverride === 'complete' ? this.record : null;
  }

  view(): QuorumSetupView {
    return {
      setupId: this.setupId,
      ceremonyId: this.ceremonyId,
      reshareNonce: this.reshare?.nonce ?? null,
      policySummary: describePolicy(this.policy),
      threshold: this.policy.threshold,
      total: this.policy.custodians.length,
      phase: this.phase,
      kdf: { memoryKiB: this.ctx.kdf.memoryKiB, iterations: this.ctx.kdf.iterations, parallelism: this.ctx.kdf.parallelism },
      custodians: this.custodians.map((c) => ({
        index: c.index,
        name: c.name,
        group: c.group,
        sealed: c.sealed !== null,
        fingerprint: c.sealed ? { hex: c.sealed.fingerprint.hex, words: [...c.sealed.fingerprint.words] } : null,
        savedTo: c.saved?.path ?? null,
        savedSha256: c.saved?.sha256 ?? null,
        proven: c.proven,
        failedProofs: c.failedProofs,
      })),
      outputDirectory: this.outputDirectory,
      recordPath: this.writtenRecordPath,
      failure: this.failure,
      entropy: this.entropy,
    };
  }

  // ---------------------------------------------------------------- steps

  /** Seals custodian `index`'s shares under their passphrase (typed twice). Takes ownership of both arrays and overwrites them. */
  async seal(index: number, passphrase: Uint8Array, repeat: Uint8Array): Promise<void> {
    try {
      const c = this.custodian(index);
      this.assertOpen('seal an envelope');
      if (c.sealed) throw setupError('ALREADY_SEALED', `The envelope of ${c.name} is already sealed.`, `Save it to ${c.name}'s medium next.`);
      if (this.reshare && !this.reshare.currentPins()) {
        throw setupError(
          'RESHARE_QUORUM_REQUIRED',
          `The current quorum (${describePolicy(this.reshare.old.record.policy)}) has not been presented yet, so no new envelope can be sealed.`,
          'The current custodians present their envelopes first; then the new custodians seal theirs.',
        );
      }
      if (!equalBytes(passphrase, repeat)) {
        throw setupError('PASSPHRASE_MISMATCH', `The two passphrases typed for ${c.name} differ.`, `${c.name} types the passphrase again, twice the same.`);
      }
      const strength = checkPassphrase(new TextDecoder().decode(passphrase), { custodianName: c.name });
      if (!strength.ok) throw setupError('PASSPHRASE_WEAK', `The passphrase for ${c.name} is too weak: ${strength.reason}`, `${c.name} chooses a stronger passphrase and types it twice.`);
      const shares = c.shares;
      if (!shares) throw new Error('seal: the shares are gone');
      await this.exclusive(async () => {
        const metadata = envelopeMetadata({
          ceremonyId: this.ceremonyId,
          policy: this.policy,
          index,
          shares,
          reshareNonce: this.reshare?.nonce ?? null,
          createdAt: this.ctx.now().toISOString(),
          rehearsal: this.ctx.rehearsal,
        });
        c.sealed = await sealEnvelope({ metadata, shares, passphrase, kdf: this.ctx.kdf });
        // From here on the shares exist only inside the sealed envelope.
        wipe(shares);
        c.shares = null;
      });
    } finally {
      passphrase.fill(0);
      repeat.fill(0);
    }
  }

  /** Writes custodian `index`'s sealed envelope into `directory` (never overwriting), reads it back, records path and SHA-256. */
  async save(index: number, directory: string): Promise<void> {
    const c = this.custodian(index);
    this.assertOpen('save an envelope');
    const sealed = c.sealed;
    if (!sealed) throw setupError('NOT_SEALED', `The envelope of ${c.name} is not sealed yet.`, `${c.name} chooses a passphrase first.`);
    if (c.saved) throw setupError('ALREADY_SAVED', `The envelope of ${c.name} was already saved to ${c.saved.path}.`, `${c.name} proves receipt by opening it from there.`);
    assertDirectory(directory, `folder for ${c.name}'s envelope`);
    const path = join(directory, `conclave-share-${this.ceremonyId}-${String(index).padStart(2, '0')}-${custodianSlug(c.name)}.json`);
    await this.exclusive(async () => {
      const written = await writeFileAtomic(path, sealed.text, { mode: 0o600 });
      if (written.sha256 !== compactFingerprint(sealed.fingerprint)) {
        throw setupError('WRITE_VERIFY_FAILED', `${path} does not hold the envelope that was sealed for ${c.name}.`, 'Use another medium: this one does not keep what is written to it.');
      }
      c.saved = { path: written.path, sha256: written.sha256 };
    });
  }

  /** The sealed envelope of custodian `index` as a QR code (PNG) with its fingerprint, for showing or printing. */
  async envelopeQr(index: number): Promise<{ png: Uint8Array; fingerprint: Fingerprint }> {
    const c = this.custodian(index);
    if (!c.sealed) throw setupError('NOT_SEALED', `The envelope of ${c.name} is not sealed yet.`, `${c.name} chooses a passphrase first.`);
    return { png: await envelopeQrPng(c.sealed.text), fingerprint: c.sealed.fingerprint };
  }

  /** Proof of receipt: custodian `index` opens the envelope as saved (file, QR image or text) with their passphrase. */
  async prove(index: number, source: EnvelopeSource, passphrase: Uint8Array): Promise<void> {
    try {
      const c = this.custodian(index);
      this.assertOpen('prove receipt');
      if (!c.saved) throw setupError('NOT_SAVED', `The envelope of ${c.name} has not been saved yet.`, `Save it to ${c.name}'s medium first, then open it from there.`);
      if (c.proven) throw setupError('ALREADY_PROVEN', `${c.name} has already proven receipt.`, 'Nothing more is needed from this custodian.');
      const saved = c.saved;
      await this.exclusive(async () => {
        const text = await readEnvelopeSource(source);
        const digest = sha256Hex(utf8(text));
        if (digest !== saved.sha256) {
          const other = this.custodians.find((o) => o.saved?.sha256 === digest);
          throw setupError(
            'PROOF_WRONG_ENVELOPE',
            other
              ? `That is the envelope of ${other.name}, not of ${c.name}.`
              : `That envelope is not the one saved for ${c.name} (${saved.path}); its SHA-256 is ${digest}, the saved one's ${saved.sha256}.`,
            `${c.name} presents the envelope from their own medium.`,
          );
        }
        const parsed = parseEnvelope(text);
        let opened: OpenedShares;
        try {
          opened = await openEnvelope(parsed, passphrase);
        } catch (error) {
          if (DomainError.is(error) && error.code === 'ENVELOPE_WRONG_PASSPHRASE') c.failedProofs++;
          throw error;
        }
        wipe(opened);
        c.proven = true;
      });
    } finally {
      passphrase.fill(0);
    }
  }

  /**
   * Completes the setup once every custodian has proven receipt: sets the token's PINs
   * (journaled), writes the record, overwrites every PIN. For a re-share use commit.
   */
  async complete(): Promise<QuorumRecord> {
    if (this.reshare) {
      throw setupError('RESHARE_COMMIT_REQUIRED', 'This setup is part of a re-share: it is completed by committing the re-share with its nonce.', 'Commit the re-share (it checks the nonce) instead.');
    }
    return this.finish();
  }

  /** Used by the re-share once its nonce is checked. */
  async finish(): Promise<QuorumRecord> {
    this.assertOpen('complete the setup');
    const missing = this.custodians.filter((c) => !c.proven);
    if (missing.length > 0) {
      const described = missing.map((c) => `${c.name} (${!c.sealed ? 'not sealed' : !c.saved ? 'not saved' : 'receipt not proven'})`);
      throw setupError(
        'SETUP_INCOMPLETE',
        `The setup cannot be completed yet: ${described.join(', ')}.`,
        'Every custodian seals, saves and re-opens their own envelope before the token is changed.',
      );
    }
    return this.exclusive(() => this.applyToToken());
  }

  /**
   * Abandons the setup: overwrites the PINs and unsealed shares. Envelopes already saved
   * stay where they are (they may be on a custodian's medium); they open, but match no
   * record and unlock nothing, because the token was never changed.
   */
  async cancel(): Promise<void> {
    if (this.phaseOverride === 'complete') throw setupError('SETUP_COMPLETE', 'The setup is already complete; it cannot be cancelled.', 'Use a re-share to change the quorum.');
    // A failed setup may have changed the token: it stays "failed" (with its journal), never "cancelled".
    if (this.phaseOverride === 'cancelled' || this.phaseOverride === 'failed') return;
    this.phaseOverride = 'cancelled';
    this.wipeAll();
  }

  // ---------------------------------------------------------------- internals

  private custodian(index: number): CustodianState {
    custodianOf(this.policy, index);
    return this.custodians[index - 1]!;
  }

  private assertOpen(doing: string): void {
    const phase = this.phaseOverride;
    if (phase === 'complete') throw setupError('SETUP_COMPLETE', `The setup is complete, so Conclave cannot ${doing} in it.`, 'Start a new setup or a re-share.');
    if (phase === 'cancelled') throw setupError('SETUP_CANCELLED', `The setup was cancelled, so Conclave cannot ${doing} in it.`, 'Start a new setup.');
    if (phase === 'failed') throw setupError('SETUP_FAILED', `The setup failed while changing the token, so Conclave cannot ${doing} in it. ${this.failure?.message ?? ''}`.trim(), this.failure?.action ?? 'Follow the recovery steps recorded in the journal.');
    if (this.busy) throw setupError('SETUP_BUSY', `Another step of this setup is still running, so Conclave cannot ${doing} now.`, 'Wait for it to finish, then try again.');
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private wipeAll(): void {
    wipe(this.secrets);
    this.secrets = null;
    wipe(this.currentPins);
    this.currentPins = null;
    for (const c of this.custodians) {
      wipe(c.shares);
      c.shares = null;
    }
  }

  private buildRecord(serial: string): QuorumRecord {
    const secrets = this.secrets!;
    const digests = {} as Record<SecretId, string>;
    for (const id of SECRET_IDS) digests[id] = secretDigest({ ceremonyId: this.ceremonyId, secretId: id, secret: secrets[id] });
    return {
      format: 'conclave-quorum-record',
      version: 1,
      ceremonyId: this.ceremonyId,
      policy: this.policy,
      policyId: this.policyId,
      policySummary: describePolicy(this.policy),
      secretDigests: digests,
      custodians: this.custodians.map((c) => ({
        name: c.name,
        index: c.index,
        group: c.group,
        envelopeFingerprint: c.sealed!.fingerprint.hex,
        commitments: { ...c.sealed!.metadata.commitments },
      })),
      token: { serial, label: this.token.label },
      kdf: { memoryKiB: this.ctx.kdf.memoryKiB, iterations: this.ctx.kdf.iterations, parallelism: this.ctx.kdf.parallelism },
      reshareNonce: this.reshare?.nonce ?? null,
      supersedes: this.reshare?.old.hash ?? null,
      createdAt: this.ctx.now().toISOString(),
      rehearsal: this.ctx.rehearsal,
    };
  }

  private async applyToToken(): Promise<QuorumRecord> {
    const { hsm } = this.ctx;
    const secrets = this.secrets;
    const current = this.reshare ? this.reshare.currentPins() : this.currentPins;
    if (!secrets || (this.token.initialized && !current)) {
      throw setupError('SETUP_SECRETS_GONE', 'The PINs of this setup are no longer in memory.', 'Start the setup again.');
    }
    // The token must still be the one setup began with, in the state it had.
    const { token } = await tokenInSlot(hsm, this.slotId);
    this.assertTokenUnchanged(token);

    const now = this.ctx.now();
    const tokenSteps: StepName[] = this.token.initialized ? ['change-so-pin', 'change-user-pin'] : ['init-token', 'init-user-pin'];
    const steps: StepName[] = [...tokenSteps];
    if (this.isRehearsalToken()) steps.push('rehearsal-pins');
    if (this.reshare) steps.push('supersede-old-record');
    steps.push('write-record');
    const journalPath = join(this.outputDirectory, PENDING_FILE);
    const copies = [journalPath];
    const oldPending = this.reshare ? join(dirname(this.reshare.old.path), PENDING_FILE) : null;
    if (oldPending && oldPending !== journalPath) copies.push(oldPending);
    const journal: Journal = {
      format: 'conclave-quorum-pending',
      version: 1,
      kind: this.reshare ? 'reshare' : 'setup',
      setupId: this.setupId,
      ceremonyId: this.ceremonyId,
      slotId: this.slotId,
      recordPath: this.recordPath,
      record: this.buildRecord(this.token.serial),
      supersedes: this.reshare ? { path: this.reshare.old.path, hash: this.reshare.old.hash, renameTo: supersededName(this.reshare.old.path, now) } : null,
      steps: steps.map((name) => ({ name, status: 'pending', at: null })),
      startedAt: now.toISOString(),
      copies,
    };
    await saveJournal(journal);

    const step = async (name: StepName, run: () => Promise<void>) => {
      markStep(journal, name, 'started', this.ctx.now());
      await saveJournal(journal);
      await run();
      markStep(journal, name, 'done', this.ctx.now());
      await saveJournal(journal);
    };
    const copy = (bytes: Uint8Array) => Uint8Array.from(bytes);
    const withPins = async (pins: Uint8Array[], run: (pins: Uint8Array[]) => Promise<unknown>) => {
      const copies = pins.map(copy);
      try {
        await run(copies);
      } finally {
        for (const p of copies) p.fill(0);
      }
    };

    try {
      if (!this.token.initialized) {
        let serial = '';
        await step('init-token', async () => {
          await withPins([secrets['so-pin']], async ([so]) => {
            const facts = await hsm.initToken(this.slotId, so!, this.token.label);
            serial = facts.token?.serial ?? '';
          });
          if (!serial) serial = (await tokenInSlot(hsm, this.slotId)).token.serial;
          journal.record = { ...journal.record, token: { serial, label: this.token.label } };
        });
        await step('init-user-pin', () => withPins([secrets['so-pin'], secrets['user-pin']], ([so, user]) => hsm.initUserPin(this.slotId, so!, user!)));
      } else {
        // A login left by someone else would make the SO login for the change fail.
        await hsm.logout(this.slotId);
        await step('change-so-pin', () => withPins([current!['so-pin'], secrets['so-pin']], ([oldPin, newPin]) => hsm.changePin(this.slotId, 'so', oldPin!, newPin!)));
        await step('change-user-pin', () => withPins([current!['user-pin'], secrets['user-pin']], ([oldPin, newPin]) => hsm.changePin(this.slotId, 'user', oldPin!, newPin!)));
      }
    } catch (error) {
      const started = journal.steps.find((s) => s.status === 'started');
      const refusedFirst = started?.name === tokenSteps[0] && DomainError.is(error) && !LOST_CALL.has(error.code);
      const nothingDone = !journal.steps.some((s) => s.status === 'done');
      if (nothingDone && (started === undefined || refusedFirst)) {
        // The token refused the very first change (a wrong PIN, the token gone): nothing
        // changed, so the setup may simply be completed again once the cause is fixed.
        await removeJournal(journal);
        throw error;
      }
      this.fail(error, journal);
      throw error;
    }

    try {
      if (this.isRehearsalToken()) {
        await step('rehearsal-pins', async () => this.ctx.rehearsalPins!.write({ soPin: secrets['so-pin'], userPin: secrets['user-pin'] }));
      }
      const reshare = this.reshare;
      if (reshare && journal.supersedes) {
        const { path, renameTo } = journal.supersedes;
        await step('supersede-old-record', () => renameNoReplace(path, renameTo));
      }
      await step('write-record', async () => {
        const written = await writeFileAtomic(this.recordPath, serializeQuorumRecord(journal.record), { mode: 0o644 });
        this.writtenRecordPath = written.path;
      });
      await removeJournal(journal);
    } catch (error) {
      const named = DomainError.is(error)
        ? error
        : new DomainError({
            code: 'SETUP_FINISH_FAILED',
            message: `The token's PINs were changed, but finishing the record failed: ${(error as Error)?.message ?? String(error)}.`,
            action: `Fix the cause (the folder ${this.outputDirectory} must be writable), then open a quorum login with ${this.recordPath}: Conclave finishes the record from the journal.`,
          });
      this.fail(named, journal);
      throw named;
    }
    this.record = journal.record;
    this.phaseOverride = 'complete';
    this.wipeAll();
    return journal.record;
  }

  private fail(error: unknown, journal: Journal): void {
    const value = DomainError.is(error) ? error.toValue() : { code: 'SETUP_FAILED', message: String((error as Error)?.message ?? error), action: '' };
    this.failure = {
      code: value.code,
      message: `${value.message} ${journalStory(journal)}`.slice(0, 2000),
      action: `${value.action} The journal ${journal.copies[0]} keeps what was done; keep every envelope of both quorums until this is resolved.`.trim().slice(0, 2000),
    };
    this.phaseOverride = 'failed';
    this.wipeAll();
  }

  private isRehearsalToken(): boolean {
    return this.ctx.rehearsal && this.ctx.rehearsalPins !== null && this.token.label === this.ctx.rehearsalPins.label;
  }

  private assertTokenUnchanged(token: TokenInfoFacts): void {
    const name = describeToken(token, this.slotId);
    if (token.flags.tokenInitialized !== this.token.initialized || (this.token.initialized && token.serial !== this.token.serial)) {
      throw setupError(
        'TOKEN_CHANGED',
        `The ${name} is not in the state the setup began with (${this.token.initialized ? `initialized token, serial ${this.token.serial}` : 'an uninitialized token'}).`,
        'Nothing was changed on the token. Connect the token the setup began with, or cancel and start again.',
      );
    }
  }
}

/** One user login and one SO login with the typed PINs, each logged out again, before anyone's time is spent. */
async function verifyCurrentPins(hsm: QuorumHsm, slotId: string, pins: Secrets, name: string): Promise<void> {
  await hsm.logout(slotId);
  for (const [id, type] of [['user-pin', 'user'], ['so-pin', 'so']] as const) {
    const copy = Uint8Array.from(pins[id]);
    try {
      await hsm.login(slotId, type, copy);
    } catch (error) {
      if (DomainError.is(error)) {
        throw new DomainError({
          code: error.code,
          message: `The current ${whatSecret(id)} of the ${name} was not accepted: ${error.message}`,
          action: `${error.action} Nothing was changed; type the current PINs again.`,
        });
      }
      throw error;
    } finally {
      copy.fill(0);
      await hsm.logout(slotId).catch(() => undefined);
    }
  }
}
