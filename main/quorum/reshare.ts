// Re-share: with the current quorum present, hand the token to a new quorum (someone
// leaves, a share is lost, the policy changes). The re-share is bound to a fresh random
// nonce, carried in every new envelope and in the new record, and commit must name it,
// so an in-flight re-share cannot be swapped for another. The new custodians seal, save
// and prove receipt exactly as in setup; only commit rotates both PINs on the token
// (journaled), writes the new record with `supersedes` = hash of the old one, and renames
// the old record. Until then the old record and its envelopes keep working.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../native/errors';
import type { EnvelopeSource, ReshareView } from '../../preload/contract';
import { QuorumLoginSession, type LoginContext, type Secrets } from './login';
import { recordHash } from './record';
import { QuorumSetup, type SetupContext } from './setup';
import { SECRET_IDS, type QuorumRecord } from './types';

export interface ReshareBeginRequest {
  record: QuorumRecord;
  /** The record file's exact text: its hash is what the new record supersedes. */
  recordText: string;
  recordPath: string;
  slotId: string;
  /** The new policy (PolicyInput), parsed strictly by the setup. */
  policy: unknown;
  outputDirectory: string;
}

const NONCE = /^[0-9a-f]{64}$/;

export class QuorumReshare {
  readonly reshareId = randomBytes(16).toString('hex');
  readonly nonce: string;
  private oldSecrets: Secrets | null = null;
  private committedRecord: QuorumRecord | null = null;
  private cancelled = false;

  private constructor(
    nonce: string,
    readonly oldQuorum: QuorumLoginSession,
    private setup: QuorumSetup | null,
  ) {
    this.nonce = nonce;
  }

  static async begin(ctx: { setup: SetupContext; login: LoginContext }, request: ReshareBeginRequest): Promise<QuorumReshare> {
    const nonce = randomBytes(32).toString('hex');
    const oldQuorum = await QuorumLoginSession.begin(ctx.login, { record: request.record, recordPath: request.recordPath, slotId: request.slotId, purpose: 'reshare' });
    const reshare = new QuorumReshare(nonce, oldQuorum, null);
    try {
      reshare.setup = await QuorumSetup.begin(
        ctx.setup,
        { slotId: request.slotId, policy: request.policy, outputDirectory: request.outputDirectory },
        {
          nonce,
          old: { record: request.record, path: request.recordPath, hash: recordHash(request.recordText) },
          currentPins: () => reshare.oldSecrets,
        },
      );
    } catch (error) {
      oldQuorum.cancel();
      throw error;
    }
    return reshare;
  }

  get newSetup(): QuorumSetup {
    return this.setup!;
  }

  get committed(): boolean {
    return this.committedRecord !== null;
  }

  view(): ReshareView {
    return { reshareId: this.reshareId, nonce: this.nonce, oldQuorum: this.oldQuorum.view(), newSetup: this.newSetup.view(), committed: this.committed };
  }

  /** A current custodian presents their envelope; once the old quorum is verified its PINs are held for the commit. */
  async present(source: EnvelopeSource, passphrase: Uint8Array): Promise<void> {
    this.assertOpen('accept an envelope of the current quorum');
    await this.oldQuorum.present(source, passphrase);
    if (this.oldQuorum.satisfied && !this.oldQuorum.ended && this.oldSecrets === null) this.oldSecrets = this.oldQuorum.takeSecrets();
  }

  /**
   * Commits the re-share: the nonce must be this re-share's, the old quorum verified and
   * every new custodian's receipt proven. Rotates both PINs, writes the new record,
   * renames the old one.
   */
  async commit(nonce: string): Promise<QuorumRecord> {
    this.assertOpen('commit');
    if (!NONCE.test(nonce) || !timingSafeEqual(Buffer.from(nonce), Buffer.from(this.nonce))) {
      throw new DomainError({
        code: 'RESHARE_NONCE_MISMATCH',
        message: `The nonce given for the commit (${nonce.slice(0, 8)}…) is not the nonce of this re-share (${this.nonce.slice(0, 8)}…).`,
        action: 'Compare the nonce on screen with the one in the new envelopes and the ceremony transcript; commit only the re-share you started. Nothing was changed.',
      });
    }
    if (!this.oldSecrets) {
      throw new DomainError({
        code: 'RESHARE_QUORUM_REQUIRED',
        message: `The current quorum (${this.oldQuorum.view().policySummary}) has not been presented, so the PINs cannot be rotated.`,
        action: 'The current custodians present their envelopes first.',
      });
    }
    let record: QuorumRecord;
    try {
      record = await this.newSetup.finish();
    } catch (error) {
      // A refused first step changed nothing and may be retried; a half-done rotation may not.
      if (this.newSetup.phase === 'failed') this.wipe();
      throw error;
    }
    this.committedRecord = record;
    this.wipe();
    return record;
  }

  cancel(): void {
    if (this.committed) {
      throw new DomainError({ code: 'RESHARE_COMMITTED', message: 'The re-share is already committed; it cannot be cancelled.', action: 'Start another re-share to change the quorum again.' });
    }
    if (this.cancelled) return;
    this.cancelled = true;
    this.oldQuorum.cancel('The re-share was cancelled; the current quorum stays in force.');
    if (this.newSetup.phase !== 'failed') void this.newSetup.cancel();
    this.wipe();
  }

  private wipe(): void {
    if (this.oldSecrets) for (const id of SECRET_IDS) this.oldSecrets[id].fill(0);
    this.oldSecrets = null;
  }

  private assertOpen(doing: string): void {
    if (this.committed) throw new DomainError({ code: 'RESHARE_COMMITTED', message: `The re-share is already committed, so it cannot ${doing}.`, action: 'Nothing more is needed.' });
    if (this.cancelled) throw new DomainError({ code: 'RESHARE_CANCELLED', message: `The re-share was cancelled, so it cannot ${doing}.`, action: 'Start a new re-share.' });
  }
}
