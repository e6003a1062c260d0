// The people's inputs for one engine call, as CeremonyInputs. Secrets arrive with the
// request that needs them, become bytes at once, are handed to the engine as fresh
// copies (the engine overwrites what it is given) and are overwritten here when the
// call returns, whatever happened. Nothing here is kept between calls.
import type { CeremonyInputs, WitnessTokenInput } from '../engine';

export interface HeldCustodian {
  name: string;
  passphrase: Uint8Array;
  /** The envelope file, when it is not in the ceremony folder (or, at a restore, the backup folder). */
  envelope: string | null;
}

/** A witness with their key file and its passphrase, or with their own token and its PIN. */
export type HeldWitness =
  | { name: string; keyFile: string; passphrase: Uint8Array }
  | { name: string; token: { module: string; tokenLabel: string; keyLabel: string; pin: Uint8Array } };

/** Where an export-bundle step copies its bundle; for a fixed disk, the folder typed again. */
export interface HeldMedium {
  directory: string;
  nonRemovableConfirmation: string | null;
}

/** Which input the engine just took: the session shows it as the step's progress. */
export type InputUse = { kind: 'custodian'; name: string } | { kind: 'witness'; name: string };

export class HeldInputs implements CeremonyInputs {
  private readonly custodians = new Map<string, HeldCustodian>();
  private readonly backup = new Map<string, HeldCustodian>();
  private readonly witnesses = new Map<string, HeldWitness>();
  private loginOrder: string[] | null = null;
  private backupOrder: string[] | null = null;
  private folder: string | null = null;
  private recordPath: string | null = null;
  private medium: { step: string; target: HeldMedium } | null = null;

  constructor(private readonly onUse: (use: InputUse) => void = () => undefined) {}

  /** Custodians for this call; with `asLoginOrder` they are also who presents at a login, in this order. */
  holdCustodians(custodians: HeldCustodian[], asLoginOrder: boolean): void {
    for (const c of custodians) this.custodians.set(c.name, c);
    this.loginOrder = asLoginOrder ? custodians.map((c) => c.name) : null;
  }

  /** A restore: the backup ceremony's folder and the custodians who present backup-key envelopes, in this order. */
  holdBackup(folder: string, custodians: HeldCustodian[]): void {
    for (const c of custodians) this.backup.set(c.name, c);
    this.backupOrder = custodians.map((c) => c.name);
    this.folder = folder;
  }

  holdWitnesses(witnesses: HeldWitness[]): void {
    for (const w of witnesses) this.witnesses.set(w.name, w);
  }

  holdQuorumRecord(path: string | null): void {
    this.recordPath = path;
  }

  /** The medium the administrator chose for this one perform of this export step. */
  holdExportMedium(step: string, target: HeldMedium): void {
    this.medium = { step, target: { ...target } };
  }

  exportMedium(stepId: string): HeldMedium | null {
    return this.medium?.step === stepId ? { ...this.medium.target } : null;
  }

  get holding(): boolean {
    return this.custodians.size > 0 || this.backup.size > 0 || this.witnesses.size > 0;
  }

  custodianPassphrase(name: string): Uint8Array | null {
    const held = this.custodians.get(name);
    if (!held) return null;
    this.onUse({ kind: 'custodian', name });
    return Uint8Array.from(held.passphrase);
  }

  custodianEnvelope(name: string): string | null {
    return this.custodians.get(name)?.envelope ?? null;
  }

  loginCustodians(): string[] | null {
    return this.loginOrder ? [...this.loginOrder] : null;
  }

  /**
   * Null unless a restore holds it: a key backup seals its envelopes under the passphrases
   * typed for it, which the engine then takes from custodianPassphrase.
   */
  backupPassphrase(name: string): Uint8Array | null {
    const held = this.backup.get(name);
    if (!held) return null;
    this.onUse({ kind: 'custodian', name });
    return Uint8Array.from(held.passphrase);
  }

  backupEnvelope(name: string): string | null {
    return this.backup.get(name)?.envelope ?? null;
  }

  backupCustodians(): string[] | null {
    return this.backupOrder ? [...this.backupOrder] : null;
  }

  backupFolder(): string | null {
    return this.folder;
  }

  witnessKey(name: string): { keyFile: string; passphrase: Uint8Array } | null {
    const held = this.witnesses.get(name);
    if (!held || !('keyFile' in held)) return null;
    this.onUse({ kind: 'witness', name });
    return { keyFile: held.keyFile, passphrase: Uint8Array.from(held.passphrase) };
  }

  witnessToken(name: string): WitnessTokenInput | null {
    const held = this.witnesses.get(name);
    if (!held || !('token' in held)) return null;
    this.onUse({ kind: 'witness', name });
    const { module, tokenLabel, keyLabel, pin } = held.token;
    return { module, tokenLabel, keyLabel, pin: Uint8Array.from(pin) };
  }

  /**
   * Never a PIN from the app: the rehearsal token's PINs come from its own PIN store
   * (EngineDeps.rehearsalPins), and no ceremony token's PIN is ever asked for. (A witness's
   * own token PIN is the witness's, typed for their one signature: witnessToken.)
   */
  rehearsalTokenPins(): null {
    return null;
  }

  quorumRecordPath(): string | null {
    return this.recordPath;
  }

  /** Overwrites every held secret and forgets the rest. */
  wipe(): void {
    for (const c of this.custodians.values()) c.passphrase.fill(0);
    for (const c of this.backup.values()) c.passphrase.fill(0);
    for (const w of this.witnesses.values()) ('keyFile' in w ? w.passphrase : w.token.pin).fill(0);
    this.custodians.clear();
    this.backup.clear();
    this.witnesses.clear();
    this.loginOrder = null;
    this.backupOrder = null;
    this.folder = null;
    this.recordPath = null;
    this.medium = null;
  }
}
