// The fixed vocabulary of ceremony scripts: actions, preconditions, roles, key types,
// and what each action implies by default (preconditions, acknowledgements, whether it
// is irreversible). One table per fact, shared by the schema, the semantic checks, the
// templates and docs/ceremony-script.md, so they cannot drift apart.
import type { KeyRole, KeySpecType } from '../../../native/hsm/protocol';

export const SCRIPT_FORMAT = 'conclave-ceremony-script';
export const SCRIPT_VERSION = 1;

export const CEREMONY_KINDS = ['quorum-setup', 'root-key-generation', 'key-backup', 'key-restore', 'custom'] as const;
export type CeremonyKind = (typeof CEREMONY_KINDS)[number];

export const ACTIONS = [
  'check-room',
  'confirm-clock-utc',
  'record-token-facts',
  'quorum-setup',
  'quorum-login',
  'generate-ceremony-key',
  'generate-key',
  'export-public-key',
  'self-signed-certificate',
  'backup-key',
  'restore-key',
  'export-bundle',
  'checkpoint',
  'witness-sign',
  'seal',
  'note',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Conditions the engine checks live before a step may start:
 * hsm-present — the script's token is in its slot; air-gap — the room check holds (or an
 * override with a reason was recorded); quorum-logged-in — a quorum-login step succeeded
 * and the session still holds; clock-utc — the administrator confirmed the clock as UTC.
 */
export const PRECONDITIONS = ['hsm-present', 'air-gap', 'quorum-logged-in', 'clock-utc'] as const;
export type Precondition = (typeof PRECONDITIONS)[number];

export const ACK_ROLES = ['administrator', 'custodians', 'witnesses'] as const;
export type AckRole = (typeof ACK_ROLES)[number];

/** Key types Conclave generates in the token (the HSM worker's KeySpecType, in the same order). */
export const KEY_TYPES = ['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096'] as const satisfies readonly KeySpecType[];
export type KeyType = (typeof KEY_TYPES)[number];

/** What a key is for (the HSM worker's KeyRole). */
export const KEY_ROLES = ['sign', 'wrap', 'encrypt', 'wrap-only-export'] as const satisfies readonly KeyRole[];
export type ScriptKeyRole = (typeof KEY_ROLES)[number];

/**
 * Roles each key type can take, as native/hsm/key-templates.ts builds them: elliptic-curve
 * and Edwards keys only sign (or leave the token wrapped); AES and RSA may also wrap and
 * encrypt. A script asking for anything else is refused before the ceremony starts.
 */
export const ROLES_FOR_TYPE: Record<KeyType, readonly ScriptKeyRole[]> = {
  'aes-256': ['sign', 'wrap', 'encrypt', 'wrap-only-export'],
  'ec-p256': ['sign', 'wrap-only-export'],
  'ec-p384': ['sign', 'wrap-only-export'],
  ed25519: ['sign', 'wrap-only-export'],
  'rsa-3072': ['sign', 'wrap', 'encrypt', 'wrap-only-export'],
  'rsa-4096': ['sign', 'wrap', 'encrypt', 'wrap-only-export'],
};

/** Key pairs have a public key to export or certify; AES keys do not. */
export const isAsymmetric = (type: KeyType): boolean => type !== 'aes-256';

/** The ceremony signing key: EC P-256 in the HSM, role sign (docs/transcript.md). */
export const CEREMONY_KEY_TYPE: KeyType = 'ec-p256';

const LIVE: Precondition[] = ['hsm-present', 'air-gap', 'clock-utc'];
const KEY_MATERIAL: Precondition[] = ['hsm-present', 'air-gap', 'clock-utc', 'quorum-logged-in'];

/**
 * Preconditions each action requires. A step that leaves `preconditions` out gets exactly
 * these; a step that lists them may add more but may not drop any of these.
 */
export const REQUIRED_PRECONDITIONS: Record<Action, readonly Precondition[]> = {
  'check-room': [],
  'confirm-clock-utc': [],
  'record-token-facts': ['hsm-present'],
  'quorum-setup': LIVE,
  'quorum-login': LIVE,
  'generate-ceremony-key': KEY_MATERIAL,
  'generate-key': KEY_MATERIAL,
  'export-public-key': ['hsm-present', 'quorum-logged-in'],
  // A certificate's validity starts at the signing time: the clock must be confirmed.
  'self-signed-certificate': ['hsm-present', 'clock-utc', 'quorum-logged-in'],
  'backup-key': KEY_MATERIAL,
  'restore-key': KEY_MATERIAL,
  // Wrapping and signing happen in the token; the bundle's times come from the confirmed clock.
  'export-bundle': ['hsm-present', 'air-gap', 'clock-utc', 'quorum-logged-in'],
  // Checkpoints and the seal are signed by the ceremony key in the HSM.
  checkpoint: ['hsm-present', 'quorum-logged-in'],
  'witness-sign': [],
  seal: ['hsm-present', 'quorum-logged-in'],
  note: [],
};

/** Actions whose steps are irreversible (a typed confirmation) unless the step says otherwise. */
export const IRREVERSIBLE_BY_DEFAULT: Record<Action, boolean> = {
  'check-room': false,
  'confirm-clock-utc': false,
  'record-token-facts': false,
  'quorum-setup': true,
  'quorum-login': false,
  'generate-ceremony-key': true,
  'generate-key': true,
  'export-public-key': false,
  'self-signed-certificate': false,
  'backup-key': false,
  'restore-key': true,
  // A key that has left the room wrapped cannot be called back.
  'export-bundle': true,
  checkpoint: false,
  'witness-sign': false,
  seal: false,
  note: false,
};

export type Count = 'all' | number;
export type Acknowledgement = { role: 'administrator' } | { role: 'custodians'; count: Count } | { role: 'witnesses'; count: Count };

const ADMIN: Acknowledgement = { role: 'administrator' };
const ALL_WITNESSES: Acknowledgement = { role: 'witnesses', count: 'all' };
const ALL_CUSTODIANS: Acknowledgement = { role: 'custodians', count: 'all' };

/** Who acknowledges a step when the step does not say: what the people in the room watch for. */
export const DEFAULT_ACKNOWLEDGEMENTS: Record<Action, readonly Acknowledgement[]> = {
  'check-room': [ADMIN],
  'confirm-clock-utc': [ADMIN],
  'record-token-facts': [ADMIN, ALL_WITNESSES],
  // Every custodian confirms they received their envelope and proved it opens.
  'quorum-setup': [ADMIN, ALL_CUSTODIANS, ALL_WITNESSES],
  'quorum-login': [ADMIN],
  'generate-ceremony-key': [ADMIN, ALL_WITNESSES],
  'generate-key': [ADMIN, ALL_WITNESSES],
  'export-public-key': [ADMIN, ALL_WITNESSES],
  'self-signed-certificate': [ADMIN, ALL_WITNESSES],
  'backup-key': [ADMIN, ALL_CUSTODIANS, ALL_WITNESSES],
  'restore-key': [ADMIN, ALL_WITNESSES],
  'export-bundle': [ADMIN, ALL_WITNESSES],
  checkpoint: [ADMIN],
  'witness-sign': [ADMIN],
  seal: [ADMIN, ALL_WITNESSES],
  note: [ADMIN],
};

/** Fresh copies, so nobody shares (and mutates) the table's objects. */
export function defaultAcknowledgements(action: Action): Acknowledgement[] {
  return DEFAULT_ACKNOWLEDGEMENTS[action].map((a) => ({ ...a }));
}

export function defaultPreconditions(action: Action): Precondition[] {
  return [...REQUIRED_PRECONDITIONS[action]];
}

/** The action a ceremony of each kind exists for; a script of that kind must contain it. */
export const KIND_REQUIRES: Record<CeremonyKind, Action | null> = {
  'quorum-setup': 'quorum-setup',
  'root-key-generation': 'generate-key',
  'key-backup': 'backup-key',
  'key-restore': 'restore-key',
  custom: null,
};

/**
 * Names in the ceremony folder that Conclave itself writes (issue 4, "The ceremony
 * folder") or that `conclave rehearse` puts there; no step may write to them. `bundles`
 * and `qr` hold what export-bundle steps write (file names derived from the bundle).
 */
export const RESERVED_OUTPUT_FILES = ['transcript.jsonl', 'report.html', 'report.pdf', 'SHA256SUMS', 'rehearsal-answers.json'] as const;
export const RESERVED_OUTPUT_FOLDERS = ['bundles', 'qr', 'rehearsal-token'] as const;

/** Default places inside the ceremony folder. */
export const DEFAULT_SHARES_FOLDER = 'shares';
export const DEFAULT_BACKUP_SHARES_FOLDER = 'backup-shares';
