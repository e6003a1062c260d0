// Quorum login: custodians present their envelopes one at a time; each is checked at
// once (belongs to this quorum, issued at setup, not presented twice, opens with the
// passphrase, shares match the record's commitments) and its shares are held for a
// limited time. When the policy is satisfied the secret is combined, checked against the
// record's digest and the token's serial, and only then tried on the token, once. So a
// custodian's mistake can never cost a PIN attempt. Every copy of a share, PIN and
// passphrase is overwritten as soon as it has served.
//
// A session in 'reshare' purpose combines both secrets, checks them on the token, and
// hands them to the re-share instead of staying logged in.
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../native/errors';
import type { EnvelopeSource, QuorumLoginView } from '../../preload/contract';
import { equalBytes, utf8 } from './bytes';
import { secretDigest, shareCommitment } from './commitments';
import { openEnvelope, parseEnvelope, type ParsedEnvelope } from './envelope';
import { readEnvelopeSource } from './envelope-source';
import { custodianOf, describePolicy, isSatisfied, progressText } from './policy';
import { assertSameToken, describeToken, tokenInSlot, type QuorumHsm } from './quorum-hsm';
import { combineShares } from './sharing';
import { SECRET_IDS, type QuorumRecord, type SecretId } from './types';

export const DEFAULT_SHARE_LIFETIME_MS = 10 * 60 * 1000;
export const DEFAULT_POLL_INTERVAL_MS = 2000;

export type Secrets = Record<SecretId, Uint8Array>;
export type LoginPurpose = 'login' | 'reshare';

/** Timers, so tests can run expiry on their own clock. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A held share must not keep the process alive on its own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LoginContext {
  hsm: QuorumHsm;
  now: () => Date;
  scheduler: Scheduler;
  shareLifetimeMs: number;
  /** How often the token's presence is checked while shares are held; 0 turns polling off. */
  pollIntervalMs: number;
  /** Told whenever the session changed by itself (a share expired, the HSM was removed). */
  onChange: (view: QuorumLoginView) => void;
}

export interface LoginBeginRequest {
  record: QuorumRecord;
  recordPath: string;
  slotId: string;
  purpose: LoginPurpose;
}

interface Held {
  index: number;
  name: string;
  group: string | null;
  shares: Partial<Secrets>;
  expiresAt: Date;
  timer: unknown;
}

function loginError(code: string, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}

function wipe(secrets: Partial<Secrets> | null | undefined): void {
  if (!secrets) return;
  for (const id of SECRET_IDS) secrets[id]?.fill(0);
}

const whatSecret = (id: SecretId) => (id === 'user-pin' ? 'user PIN' : 'SO PIN');
const short = (hex: string | null) => (hex ? `${hex.slice(0, 8)}…` : 'none');

export class QuorumLoginSession {
  readonly sessionId = randomBytes(16).toString('hex');
  readonly record: QuorumRecord;
  readonly recordPath: string;
  readonly slotId: string;
  readonly purpose: LoginPurpose;
  private readonly held = new Map<number, Held>();
  private readonly failures = new Map<number, number>();
  private readonly notices: string[] = [];
  private protectedPath: boolean;
  private loggedIn = false;
  private endedReason: string | null = null;
  private secrets: Secrets | null = null;
  /** Who made the quorum once it was combined (their shares are gone by then). */
  private members: Array<{ index: number; name: string }> | null = null;
  private busy = false;
  private pollTimer: unknown = null;

  private constructor(
    private readonly ctx: LoginContext,
    request: LoginBeginRequest,
    protectedPath: boolean,
  ) {
    this.record = request.record;
    this.recordPath = request.recordPath;
    this.slotId = request.slotId;
    this.purpose = request.purpose;
    this.protectedPath = protectedPath;
  }

  /** Opens a session over a record for the token in `slotId`: the token must be the record's and usable. */
  static async begin(ctx: LoginContext, request: LoginBeginRequest): Promise<QuorumLoginSession> {
    const { token } = await tokenInSlot(ctx.hsm, request.slotId);
    assertSameToken(token, request.record.token, request.slotId);
    const name = describeToken(token, request.slotId);
    if (token.flags.userPinLocked && request.purpose === 'login') {
      throw loginError('PIN_LOCKED', `The user PIN of the ${name} is locked.`, 'The security officer must reset it; the quorum cannot log in until then.');
    }
    if (token.flags.soPinLocked && request.purpose === 'reshare') {
      throw loginError('PIN_LOCKED', `The SO PIN of the ${name} is locked, so its PINs cannot be re-shared.`, 'The token must be reset by its vendor procedure.');
    }
    return new QuorumLoginSession(ctx, request, token.flags.protectedAuthenticationPath);
  }

  // ---------------------------------------------------------------- view

  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  get ended(): string | null {
    return this.endedReason;
  }

  get satisfied(): boolean {
    return this.members !== null || isSatisfied(this.record.policy, this.held.keys());
  }

  view(): QuorumLoginView {
    const present = [...this.held.values()].sort((a, b) => a.index - b.index);
    let progress = progressText(this.record.policy, this.members ?? present.map((h) => ({ index: h.index, name: h.name })));
    if (this.loggedIn && this.members?.length === 0) progress = 'Logged in at the device: the custodians authenticated on its PIN pad or PED';
    else if (this.loggedIn) progress = `${progress} — logged in`;
    else if (this.members && this.purpose === 'reshare' && !this.endedReason) progress = `${progress} — quorum verified`;
    if (this.notices.length > 0) progress = `${progress}. ${this.notices.join(' ')}`;
    return {
      sessionId: this.sessionId,
      ceremonyId: this.record.ceremonyId,
      purpose: this.purpose,
      policySummary: describePolicy(this.record.policy),
      slotId: this.slotId,
      tokenLabel: this.record.token.label,
      present: present.map((h) => ({ index: h.index, name: h.name, group: h.group, expiresAt: h.expiresAt.toISOString() })),
      progress: progress.slice(0, 512),
      satisfied: this.satisfied,
      loggedIn: this.loggedIn,
      failedAttempts: [...this.failures.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, count]) => ({ name: custodianOf(this.record.policy, index).name, count })),
      shareLifetimeSeconds: Math.round(this.ctx.shareLifetimeMs / 1000),
      protectedAuthenticationPath: this.protectedPath,
      ended: this.endedReason,
    };
  }

  // ---------------------------------------------------------------- presenting

  /**
   * One custodian presents their envelope and passphrase. Takes ownership of the
   * passphrase bytes and overwrites them. Rejections name what was wrong and change
   * nothing else; at threshold the quorum is combined, checked and used.
   */
  async present(source: EnvelopeSource, passphrase: Uint8Array): Promise<void> {
    try {
      this.assertOpen('accept an envelope');
      this.busy = true;
      try {
        const text = await readEnvelopeSource(source);
        const parsed = parseEnvelope(text);
        const index = this.checkBelongs(parsed);
        const custodian = custodianOf(this.record.policy, index);
        if (this.held.has(index)) {
          throw loginError('SHARE_DUPLICATE', `${custodian.name}'s envelope has already been presented in this login.`, 'Each custodian presents once; the next custodian presents their own envelope.');
        }
        let opened: Secrets;
        try {
          opened = await openEnvelope(parsed, passphrase);
        } catch (error) {
          if (DomainError.is(error) && error.code === 'ENVELOPE_WRONG_PASSPHRASE') {
            const count = (this.failures.get(index) ?? 0) + 1;
            this.failures.set(index, count);
            throw loginError(
              error.code,
              `${error.message} Wrong passphrases for ${custodian.name} so far: ${count}. Nothing was tried on the token.`,
              error.action,
            );
          }
          throw error;
        }
        this.checkCommitments(index, custodian.name, opened);
        if (this.endedReason) {
          // The HSM went away while the envelope was being opened.
          wipe(opened);
          this.assertOpen('accept an envelope');
        }
        const keep: Partial<Secrets> = {};
        for (const id of SECRET_IDS) {
          if (this.purpose === 'reshare' || id === 'user-pin') keep[id] = opened[id];
          else opened[id].fill(0);
        }
        this.hold(index, custodian.name, custodian.group, keep);
        if (isSatisfied(this.record.policy, this.held.keys())) await this.useQuorum();
      } finally {
        this.busy = false;
      }
    } finally {
      passphrase.fill(0);
    }
  }

  /** Protected authentication path: custodians authenticate at the PIN pad or PED; Conclave sends no PIN. */
  async loginAtDevice(): Promise<void> {
    this.assertOpen('log in at the device');
    if (this.purpose !== 'login') {
      throw loginError('PROTECTED_PATH_NOT_FOR_RESHARE', 'A re-share needs the quorum\'s shares, not a login at the device.', 'Present the envelopes of the current quorum.');
    }
    const { token } = await tokenInSlot(this.ctx.hsm, this.slotId);
    assertSameToken(token, this.record.token, this.slotId);
    this.protectedPath = token.flags.protectedAuthenticationPath;
    if (!this.protectedPath) {
      throw loginError(
        'PROTECTED_PATH_UNAVAILABLE',
        `The ${describeToken(token, this.slotId)} has no protected authentication path (PIN pad or PED).`,
        'Present the custodians\' envelopes instead.',
      );
    }
    this.busy = true;
    try {
      this.clearShares();
      await this.ctx.hsm.logout(this.slotId);
      await this.tokenCall(() => this.ctx.hsm.login(this.slotId, 'user', new Uint8Array(0)));
      this.members = [];
      this.loggedIn = true;
      this.stopPolling();
    } finally {
      this.busy = false;
    }
  }

  /** Ends the session and overwrites everything it holds. */
  cancel(reason = 'The login was cancelled; every presented share was overwritten.'): void {
    this.end(reason);
  }

  /** The token went away: every held share is cleared and the session ends. */
  tokenRemoved(reason: string): void {
    if (this.endedReason || this.loggedIn) {
      if (this.loggedIn && !this.endedReason) {
        this.loggedIn = false;
        this.end(`${reason} The token's login ended with it.`);
        this.ctx.onChange(this.view());
      }
      return;
    }
    this.end(`${reason} Every presented share was overwritten; start the login again once the token is back.`);
    this.ctx.onChange(this.view());
  }

  /** The HSM worker restarted: a login it held is gone. */
  workerRestarted(): void {
    if (!this.loggedIn || this.endedReason) return;
    this.loggedIn = false;
    this.end('The HSM worker restarted, so the token is logged out. Start a new quorum login.');
    this.ctx.onChange(this.view());
  }

  /** Re-share: the combined, checked secrets, handed over once; the caller overwrites them. */
  takeSecrets(): Secrets {
    const secrets = this.secrets;
    if (!secrets) {
      throw loginError('NOT_ENOUGH_SHARES', `The current quorum (${describePolicy(this.record.policy)}) is not present yet.`, 'The current custodians present their envelopes first.');
    }
    this.secrets = null;
    return secrets;
  }

  // ---------------------------------------------------------------- internals

  private assertOpen(doing: string): void {
    if (this.endedReason) throw loginError('SESSION_ENDED', `This quorum session has ended, so it cannot ${doing}: ${this.endedReason}`, 'Start a new quorum login.');
    if (this.loggedIn) throw loginError('ALREADY_LOGGED_IN', `The quorum has already logged in to the token, so the session cannot ${doing}.`, 'Nothing more is needed.');
    if (this.members) throw loginError('QUORUM_ALREADY_PRESENT', `The quorum is already verified, so the session cannot ${doing}.`, 'Continue with the re-share.');
    if (this.busy) throw loginError('SESSION_BUSY', `The session is still checking the previous envelope, so it cannot ${doing} yet.`, 'Wait a moment, then present again.');
  }

  /** The custodian index an envelope belongs to in this record, or a named rejection. */
  private checkBelongs(parsed: ParsedEnvelope): number {
    const m = parsed.metadata;
    const r = this.record;
    const who = `The envelope of ${m.custodian.name} (custodian ${m.custodian.index})`;
    if (m.ceremonyId !== r.ceremonyId) {
      throw loginError(
        'ENVELOPE_FOREIGN',
        `${who} belongs to ceremony ${m.ceremonyId}, not to this quorum's ceremony ${r.ceremonyId}.`,
        'Present an envelope issued for this ceremony; set this one aside.',
      );
    }
    const differences: string[] = [];
    if (m.policyId !== r.policyId) differences.push(`its policy is "${m.policySummary}" (id ${short(m.policyId)}), this quorum's is "${describePolicy(r.policy)}" (id ${short(r.policyId)})`);
    if (m.reshareNonce !== r.reshareNonce) differences.push(`it was made by ${m.reshareNonce ? `re-share ${short(m.reshareNonce)}` : 'the original setup'}, this quorum by ${r.reshareNonce ? `re-share ${short(r.reshareNonce)}` : 'the original setup'}`);
    if (m.rehearsal !== r.rehearsal) differences.push(m.rehearsal ? 'it is a rehearsal envelope and this is a production quorum' : 'it is a production envelope and this is a rehearsal quorum');
    if (differences.length > 0) {
      const superseded = m.createdAt < r.createdAt && r.supersedes !== null;
      throw loginError(
        'ENVELOPE_FOREIGN',
        `${who} belongs to another quorum of ceremony ${r.ceremonyId}: ${differences.join('; ')}.${superseded ? ' That quorum was replaced by a re-share, so its envelopes no longer unlock the token.' : ''}`,
        'Present an envelope of the current quorum (compare its fingerprint with the quorum record); set this one aside.',
      );
    }
    const issued = r.custodians.find((c) => c.envelopeFingerprint === parsed.fingerprint.hex);
    if (!issued || issued.index !== m.custodian.index) {
      throw loginError(
        'ENVELOPE_NOT_ISSUED',
        `${who} has the fingerprint ${parsed.fingerprint.hex} (${parsed.fingerprint.words.join(' ')}), which is not in the quorum record: it was altered, or it is not the envelope issued at setup.`,
        `Set it aside and record the exception. ${m.custodian.name} presents the original envelope, or the quorum re-shares.`,
      );
    }
    return issued.index;
  }

  /** openEnvelope checked the shares against the envelope's commitments; the record is the authority, so they must match its commitments too. */
  private checkCommitments(index: number, name: string, opened: Secrets): void {
    const recorded = this.record.custodians[index - 1]!.commitments;
    const bad = SECRET_IDS.find(
      (id) => shareCommitment({ ceremonyId: this.record.ceremonyId, policyId: this.record.policyId, secretId: id, index, share: opened[id] }) !== recorded[id],
    );
    if (bad) {
      wipe(opened);
      throw loginError(
        'SHARE_COMMITMENT_MISMATCH',
        `The ${whatSecret(bad)} share in ${name}'s envelope does not match the commitment in the quorum record.`,
        `Set the envelope aside and record the exception; ${name} presents the original envelope, or the quorum re-shares.`,
      );
    }
  }

  private hold(index: number, name: string, group: string | null, shares: Partial<Secrets>): void {
    const expiresAt = new Date(this.ctx.now().getTime() + this.ctx.shareLifetimeMs);
    const timer = this.ctx.scheduler.setTimeout(() => this.expire(index), this.ctx.shareLifetimeMs);
    this.held.set(index, { index, name, group, shares, expiresAt, timer });
    this.notices.length = 0;
    this.startPolling();
  }

  private expire(index: number): void {
    const held = this.held.get(index);
    if (!held || this.endedReason || this.loggedIn || this.secrets) return;
    wipe(held.shares);
    this.held.delete(index);
    const minutes = Math.round(this.ctx.shareLifetimeMs / 60000);
    const span = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(this.ctx.shareLifetimeMs / 1000)} seconds`;
    this.notices.push(`${held.name}'s share expired after ${span} and was overwritten; ${held.name} presents again.`);
    if (this.held.size === 0) this.stopPolling();
    this.ctx.onChange(this.view());
  }

  private clearShares(): void {
    for (const held of this.held.values()) {
      this.ctx.scheduler.clearTimeout(held.timer);
      wipe(held.shares);
    }
    this.held.clear();
  }

  private end(reason: string): void {
    this.clearShares();
    wipe(this.secrets);
    this.secrets = null;
    this.stopPolling();
    this.endedReason = reason;
  }

  private startPolling(): void {
    if (this.pollTimer !== null || this.ctx.pollIntervalMs <= 0) return;
    const tick = () => {
      this.pollTimer = null;
      if (this.endedReason || this.loggedIn || this.held.size === 0) return;
      void this.checkTokenPresent().finally(() => {
        if (!this.endedReason && !this.loggedIn && this.held.size > 0 && this.pollTimer === null) this.pollTimer = this.ctx.scheduler.setTimeout(tick, this.ctx.pollIntervalMs);
      });
    };
    this.pollTimer = this.ctx.scheduler.setTimeout(tick, this.ctx.pollIntervalMs);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) this.ctx.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /** One presence check: the slot must still hold the record's token. */
  async checkTokenPresent(): Promise<void> {
    try {
      const { token } = await tokenInSlot(this.ctx.hsm, this.slotId);
      if (token.serial !== this.record.token.serial) {
        this.tokenRemoved(`The token in slot ${this.slotId} changed (serial ${token.serial || 'none'} instead of ${this.record.token.serial}).`);
      }
    } catch (error) {
      if (DomainError.is(error) && (error.code === 'TOKEN_NOT_PRESENT' || error.code === 'SLOT_NOT_FOUND')) {
        this.tokenRemoved(`The HSM token (serial ${this.record.token.serial}) was removed from slot ${this.slotId}.`);
      }
    }
  }

  /** Runs a token call; a token that vanished ends the session like a removal. */
  private async tokenCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (DomainError.is(error) && error.code === 'TOKEN_NOT_PRESENT') this.tokenRemoved(`The HSM token (serial ${this.record.token.serial}) was removed from slot ${this.slotId}.`);
      throw error;
    }
  }

  /** At threshold: combine, check the digest, check the token, and log in (or hand the secrets to the re-share). */
  private async useQuorum(): Promise<void> {
    const ids: SecretId[] = this.purpose === 'reshare' ? ['user-pin', 'so-pin'] : ['user-pin'];
    const combined: Partial<Secrets> = {};
    try {
      for (const id of ids) {
        const shares = new Map<number, Uint8Array>();
        for (const held of this.held.values()) shares.set(held.index, held.shares[id]!);
        const secret = await combineShares(this.record.policy, shares);
        combined[id] = secret;
        const digest = secretDigest({ ceremonyId: this.record.ceremonyId, secretId: id, secret });
        if (!equalBytes(utf8(digest), utf8(this.record.secretDigests[id]))) {
          const reason = `The presented shares combine to a ${whatSecret(id)} whose digest differs from the quorum record's, so nothing was tried on the token.`;
          this.end(`${reason} Every share was overwritten.`);
          throw loginError('SECRET_DIGEST_MISMATCH', reason, 'The record and the envelopes do not belong together: check the record against the ceremony transcript, and record the exception.');
        }
      }
      this.members = [...this.held.values()].map((h) => ({ index: h.index, name: h.name }));
      this.clearShares();
      this.stopPolling();
      const { token } = await this.tokenCall(() => tokenInSlot(this.ctx.hsm, this.slotId));
      assertSameToken(token, this.record.token, this.slotId);
      if (this.purpose === 'login') {
        await this.logIn(combined['user-pin']!);
      } else {
        await this.verifyOnToken(combined as Secrets);
        this.secrets = combined as Secrets;
      }
    } catch (error) {
      this.members = null;
      if (!this.endedReason && !this.loggedIn && !this.secrets) this.end(`The quorum could not be used: ${DomainError.is(error) ? error.message : String(error)}`);
      throw error;
    } finally {
      if (this.secrets !== combined) wipe(combined);
    }
  }

  private async logIn(userPin: Uint8Array): Promise<void> {
    const hsm = this.ctx.hsm;
    await this.tokenCall(() => hsm.logout(this.slotId));
    const pin = Uint8Array.from(userPin);
    try {
      await this.tokenCall(() => hsm.login(this.slotId, 'user', pin));
    } catch (error) {
      throw refusedAfterVerification(error, 'user PIN', this.recordPath);
    } finally {
      pin.fill(0);
    }
    this.loggedIn = true;
  }

  /** Re-share: the combined PINs open the token now (one login each), so the commit cannot fail on a stale record. */
  private async verifyOnToken(secrets: Secrets): Promise<void> {
    const hsm = this.ctx.hsm;
    await this.tokenCall(() => hsm.logout(this.slotId));
    for (const [id, type] of [['user-pin', 'user'], ['so-pin', 'so']] as const) {
      const pin = Uint8Array.from(secrets[id]);
      try {
        await this.tokenCall(() => hsm.login(this.slotId, type, pin));
      } catch (error) {
        throw refusedAfterVerification(error, whatSecret(id), this.recordPath);
      } finally {
        pin.fill(0);
        await hsm.logout(this.slotId).catch(() => undefined);
      }
    }
  }
}

/** The token refused a PIN that the record's digest vouched for: the record is stale, not the custodians wrong. */
function refusedAfterVerification(error: unknown, what: string, recordPath: string): unknown {
  if (!DomainError.is(error)) return error;
  if (!['PIN_INCORRECT', 'PIN_INCORRECT_COUNT_LOW', 'PIN_INCORRECT_FINAL_TRY', 'PIN_LOCKED'].includes(error.code)) return error;
  return new DomainError({
    code: 'QUORUM_RECORD_STALE',
    message: `The quorum's shares combined to the ${what} in the record ${recordPath} (its digest matched), but the token refused it: the token's PIN was changed after this record was made (by a re-share that superseded it, or outside Conclave). ${error.message}`,
    action: 'Use the current quorum record of this token and its envelopes. Do not try this record again: each try uses one of the token\'s PIN attempts.',
  });
}
