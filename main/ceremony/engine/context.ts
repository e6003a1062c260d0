// What the engine's actions share: the ceremony folder, the script, the transcript
// writer, the HSM, the token's slot, and the people's inputs (passphrases and the like,
// supplied by the runner from an answers file or by the app's screens).
import type { HsmClient } from '../../hsm/hsm-client';
import type { KdfCost } from '../../quorum/kdf';
import type { RehearsalPinStore } from '../../quorum/setup';
import type { RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import type { OsFacts } from '../../room/probe-room';
import type { Actor, ChainEntry, TranscriptWriter } from '../../transcript';
import type { CeremonyScript, ScriptStep } from '../script';

/** Secrets and choices the people in the room supply. Each secret is a fresh copy; the engine overwrites it after use. */
export interface CeremonyInputs {
  custodianPassphrase(name: string): Uint8Array | null;
  /** An envelope file for the custodian, when it is not in the ceremony folder. */
  custodianEnvelope(name: string): string | null;
  /** The custodians who present at a quorum login, in order; null for the first M listed. */
  loginCustodians(): string[] | null;
  witnessKey(name: string): { keyFile: string; passphrase: Uint8Array } | null;
  /** The current PINs of a rehearsal token (never asked for any other token). */
  rehearsalTokenPins(): { soPin: Uint8Array; userPin: Uint8Array } | null;
  /** The quorum record for a login when the script has no quorum-setup step. */
  quorumRecordPath(): string | null;
  /**
   * A witness who signs with a key on their own PKCS#11 token: the module, the token and
   * key labels, and the PIN (a fresh copy, read only when asked; the engine overwrites it).
   * Left out (or null for a name): that witness has no token given.
   */
  witnessToken?(name: string): WitnessTokenInput | null;
  /**
   * Where an export-bundle step copies its bundle besides the ceremony folder: a folder on
   * a mounted medium, and for a fixed disk the folder typed again as confirmation. Null: no copy.
   */
  exportMedium?(stepId: string): { directory: string; nonRemovableConfirmation: string | null } | null;
  /** The backup ceremony's folder a restore reads the wrapped key, backup record and envelopes from. */
  backupFolder?(): string | null;
  /** The custodians who present backup-key envelopes at a restore, in order; null for every custodian of the backup who has a passphrase. */
  backupCustodians?(): string[] | null;
  /** A custodian's passphrase for their backup-key envelope (sealing it at a backup, opening it at a restore); left out or null: custodianPassphrase. */
  backupPassphrase?(name: string): Uint8Array | null;
  /** A custodian's backup-key envelope file, when it is not in the backup folder. */
  backupEnvelope?(name: string): string | null;
}

export interface WitnessTokenInput {
  /** Absolute path of the PKCS#11 library of the witness's token. */
  module: string;
  tokenLabel: string;
  /** CKA_LABEL of the witness's EC P-256 key pair on the token. */
  keyLabel: string;
  /** The user PIN of the witness's token. */
  pin: Uint8Array;
}

/**
 * started/completed: after that step entry is on disk; key-made: a key exists on the token,
 * not yet recorded; files-written: a backup's files are all on disk, not yet recorded.
 */
export type CrashPoint = 'started' | 'completed' | 'key-made' | 'files-written';

export interface EngineDeps {
  /** The ceremony folder, absolute. */
  dir: string;
  hsm: HsmClient;
  /** The PKCS#11 module the client has loaded (recorded in token-facts). */
  modulePath: string;
  inputs: CeremonyInputs;
  /** Argon2id cost for envelopes sealed in this ceremony. */
  kdf: KdfCost;
  /** The rehearsal token's PIN store (its PINs change at quorum setup); null for any other token. */
  rehearsalPins: RehearsalPinStore | null;
  toolVersion: string;
  now?: () => Date;
  /** OS facts for the room check (tests point it at fixtures). */
  probeRoom?: () => OsFacts;
  /** Roots of /proc, /sys, /dev and /run for the removable-media check of an export's copy (tests); the real ones when left out. */
  mediaProbe?: RemovableMediaProbeOptions;
  /** Test hook: called at each CrashPoint (the runner kills itself there when told to). */
  afterEntry?: (step: string, point: CrashPoint) => void;
  /**
   * Starts an HSM client with the given PKCS#11 module loaded, for a witness's own token
   * (the CLI forks a worker, the app a utility process). Left out: a witness token is
   * reachable only through deps.hsm, when it uses the ceremony's module.
   */
  openWitnessHsm?: (modulePath: string) => Promise<HsmClient>;
}

export interface ActionContext {
  deps: EngineDeps;
  script: CeremonyScript;
  step: ScriptStep;
  writer: TranscriptWriter;
  slotId: () => Promise<string>;
  /** Entries since this step's latest step-started (what an earlier attempt already recorded). */
  attempt: () => ChainEntry[];
  admin: Actor;
  system: Actor;
  /** Whether a key found under this label may be adopted: made by a crashed attempt of this step, or earlier in this process. */
  mayAdopt: (label: string) => boolean;
  /** Notes that the token made a key under this label in this process. */
  keyMade: (label: string) => void;
  /** Marks the token as logged in by a quorum in this process. */
  setLoggedIn: (value: boolean) => void;
}
