// The one IPC contract between renderer and main: every channel with its request and
// response schema, and every event main pushes to the renderer. Main validates every
// request against these schemas (strict: unknown fields are refused); the preload
// exposes exactly these method names and nothing else; the renderer imports only types.
import { z } from 'zod';
import { CHANNEL_NAMES, EVENT_NAMES, type ChannelName, type EventNameOnWire } from './channels';

export { ipcChannel } from './channels';

const text = (max = 512) => z.string().max(max);

export const ErrorValueSchema = z.strictObject({
  /** Stable machine code, e.g. "PIN_INCORRECT", "TOKEN_NOT_PRESENT", "BAD_REQUEST". */
  code: text(64),
  /** What went wrong, in plain language. */
  message: text(2000),
  /** What the person in front of the screen should do about it. */
  action: text(2000),
});
export type ErrorValue = z.infer<typeof ErrorValueSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorValue };

export const TokenFlagsSchema = z.strictObject({
  tokenInitialized: z.boolean(),
  loginRequired: z.boolean(),
  userPinInitialized: z.boolean(),
  userPinCountLow: z.boolean(),
  userPinFinalTry: z.boolean(),
  userPinLocked: z.boolean(),
  userPinToBeChanged: z.boolean(),
  soPinCountLow: z.boolean(),
  soPinFinalTry: z.boolean(),
  soPinLocked: z.boolean(),
  soPinToBeChanged: z.boolean(),
  protectedAuthenticationPath: z.boolean(),
  hasRng: z.boolean(),
  writeProtected: z.boolean(),
});
export type TokenFlags = z.infer<typeof TokenFlagsSchema>;

/** One word for a token's health, derived from its flags (most severe wins). */
export const TokenStateSchema = z.enum([
  'absent',
  'uninitialized',
  'user-pin-locked',
  'so-pin-locked',
  'user-pin-final-try',
  'user-pin-count-low',
  'user-pin-not-set',
  'write-protected',
  'ready',
]);
export type TokenState = z.infer<typeof TokenStateSchema>;

export const TokenFactsSchema = z.strictObject({
  /** PKCS#11 slot id as a decimal string (CK_SLOT_ID may exceed 2^53). */
  slotId: text(32),
  slotDescription: text(),
  slotManufacturer: text(),
  tokenPresent: z.boolean(),
  removableDevice: z.boolean(),
  hardwareSlot: z.boolean(),
  /** Token facts; null when no token is present in the slot. */
  token: z
    .strictObject({
      label: text(),
      manufacturer: text(),
      model: text(),
      serial: text(),
      firmwareVersion: text(16),
      hardwareVersion: text(16),
      flags: TokenFlagsSchema,
      /** Bytes; null when the token does not report it (CK_UNAVAILABLE_INFORMATION). */
      freePublicMemory: z.number().nullable(),
      freePrivateMemory: z.number().nullable(),
      totalPublicMemory: z.number().nullable(),
      totalPrivateMemory: z.number().nullable(),
      sessionCount: z.number().nullable(),
    })
    .nullable(),
  state: TokenStateSchema,
  /** Plain-language explanation of `state` and what to do about it. */
  stateDetail: text(2000),
});
export type TokenFacts = z.infer<typeof TokenFactsSchema>;

export const ModuleInfoSchema = z.strictObject({
  path: text(4096),
  libraryDescription: text(),
  manufacturer: text(),
  cryptokiVersion: text(16),
  libraryVersion: text(16),
});
export type ModuleInfo = z.infer<typeof ModuleInfoSchema>;

export const ModuleCandidateSchema = z.strictObject({
  vendor: text(),
  path: text(4096),
  exists: z.boolean(),
});
export type ModuleCandidate = z.infer<typeof ModuleCandidateSchema>;

export const UsbDeviceSchema = z.strictObject({
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  /** Known product name, e.g. "YubiHSM 2"; null for an unrecognized device. */
  product: text().nullable(),
  kind: z.enum(['hsm', 'token', 'other']),
  serial: text().nullable(),
  location: text(),
});
export type UsbDevice = z.infer<typeof UsbDeviceSchema>;

export const UsbStatusSchema = z.strictObject({
  available: z.boolean(),
  /** Why USB is unavailable, e.g. "USB unavailable: /sys/bus/usb is absent". */
  reason: text(2000).nullable(),
  devices: z.array(UsbDeviceSchema),
});
export type UsbStatus = z.infer<typeof UsbStatusSchema>;

export const UsbEventSchema = z.strictObject({
  type: z.enum(['attach', 'detach']),
  device: UsbDeviceSchema,
  at: text(64),
});
export type UsbEvent = z.infer<typeof UsbEventSchema>;

export const CheckSchema = z.strictObject({
  id: text(64),
  title: text(),
  status: z.enum(['pass', 'warn', 'fail']),
  /** Always filled: why the check passed, warned or failed. */
  reason: text(4000),
  /** What to do when it did not pass; empty when it passed. */
  action: text(2000),
});
export type Check = z.infer<typeof CheckSchema>;

export const RoomReportSchema = z.strictObject({
  generatedAt: text(64),
  /** Rehearsal mode relaxes the air-gap, wireless, bluetooth and UTC checks to warnings. */
  rehearsal: z.boolean(),
  ready: z.boolean(),
  checks: z.array(CheckSchema),
});
export type RoomReport = z.infer<typeof RoomReportSchema>;

export const RehearsalInfoSchema = z.strictObject({
  active: z.boolean(),
  /** Why the app is in rehearsal mode, shown to the operator. */
  reason: text(2000),
  tokenDirectory: text(4096).nullable(),
});
export type RehearsalInfo = z.infer<typeof RehearsalInfoSchema>;

export const StatusSnapshotSchema = z.strictObject({
  rehearsal: RehearsalInfoSchema,
  module: ModuleInfoSchema.nullable(),
  moduleError: ErrorValueSchema.nullable(),
  tokens: z.array(TokenFactsSchema),
  usb: UsbStatusSchema,
  room: RoomReportSchema,
});
export type StatusSnapshot = z.infer<typeof StatusSnapshotSchema>;

// ---- Quorum (issue 3) -------------------------------------------------------------

const name = z.string().trim().min(1).max(64);
const hex = (len?: number) => (len ? z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`)) : z.string().regex(/^[0-9a-f]*$/).max(256));
const absolutePath = z.string().min(1).max(4096);
/** A passphrase or PIN typed by a person. Main copies it into bytes and never logs or stores it. */
const secretText = z.string().min(1).max(1024);

export const PolicyInputSchema = z.strictObject({
  threshold: z.number().int().min(1).max(255),
  custodians: z.array(z.strictObject({ name, group: name.optional() })).min(2).max(255),
  groups: z.array(z.strictObject({ name, threshold: z.number().int().min(1).max(255) })).max(16).optional(),
  groupThreshold: z.number().int().min(1).max(16).optional(),
});
export type PolicyInput = z.infer<typeof PolicyInputSchema>;

export const FingerprintSchema = z.strictObject({ hex: text(200), words: z.array(text(16)).max(32) });
export type FingerprintView = z.infer<typeof FingerprintSchema>;

/** Where an envelope comes from when a custodian presents it. */
export const EnvelopeSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: absolutePath }),
  z.strictObject({ kind: z.literal('qr-image'), path: absolutePath }),
  z.strictObject({ kind: z.literal('text'), text: z.string().min(1).max(64 * 1024) }),
]);
export type EnvelopeSource = z.infer<typeof EnvelopeSourceSchema>;

export const KdfSummarySchema = z.strictObject({
  memoryKiB: z.number().int(),
  iterations: z.number().int(),
  parallelism: z.number().int(),
});

export const SetupCustodianViewSchema = z.strictObject({
  index: z.number().int(),
  name: text(64),
  group: text(64).nullable(),
  sealed: z.boolean(),
  fingerprint: FingerprintSchema.nullable(),
  /** Where the envelope was written, with the SHA-256 of the bytes read back. */
  savedTo: text(4096).nullable(),
  savedSha256: text(64).nullable(),
  proven: z.boolean(),
  failedProofs: z.number().int(),
});

export const QuorumSetupViewSchema = z.strictObject({
  setupId: text(64),
  ceremonyId: text(128),
  /** Non-null while this setup is a re-share: the nonce it is bound to. */
  reshareNonce: text(64).nullable(),
  policySummary: text(),
  threshold: z.number().int(),
  total: z.number().int(),
  phase: z.enum(['sealing', 'receipts', 'ready-to-complete', 'complete', 'failed', 'cancelled']),
  kdf: KdfSummarySchema,
  custodians: z.array(SetupCustodianViewSchema),
  outputDirectory: text(4096),
  recordPath: text(4096).nullable(),
  /** Why the setup failed, when phase is failed. */
  failure: ErrorValueSchema.nullable(),
  /**
   * Where the new PINs' randomness came from: the token's RNG mixed with the OS CSPRNG,
   * or the OS CSPRNG alone when no initialized token could serve its RNG (an
   * uninitialized token cannot open a session before C_InitToken).
   */
  entropy: z.enum(['token-and-os', 'os-only']).optional(),
});
export type QuorumSetupView = z.infer<typeof QuorumSetupViewSchema>;

export const QuorumLoginViewSchema = z.strictObject({
  sessionId: text(64),
  ceremonyId: text(128),
  purpose: z.enum(['login', 'reshare']),
  policySummary: text(),
  slotId: text(32),
  tokenLabel: text(),
  /** Custodians whose verified share is held now, with when it expires. */
  present: z.array(z.strictObject({ index: z.number().int(), name: text(64), group: text(64).nullable(), expiresAt: text(64) })),
  /** Plain-language progress, e.g. "2 of 3: Alice, Bob". */
  progress: text(),
  satisfied: z.boolean(),
  loggedIn: z.boolean(),
  /** Wrong passphrases so far, per custodian. */
  failedAttempts: z.array(z.strictObject({ name: text(64), count: z.number().int() })),
  shareLifetimeSeconds: z.number().int(),
  /** The token uses a PIN pad or PED: custodians authenticate at the device instead. */
  protectedAuthenticationPath: z.boolean(),
  /** Why the session ended (expiry, HSM removed, cancelled), or null while it is open. */
  ended: text(2000).nullable(),
});
export type QuorumLoginView = z.infer<typeof QuorumLoginViewSchema>;

export const ReshareViewSchema = z.strictObject({
  reshareId: text(64),
  nonce: text(64),
  oldQuorum: QuorumLoginViewSchema,
  newSetup: QuorumSetupViewSchema,
  committed: z.boolean(),
});
export type ReshareView = z.infer<typeof ReshareViewSchema>;

export const EnvelopeInfoSchema = z.strictObject({
  ceremonyId: text(128),
  custodian: text(64),
  index: z.number().int(),
  group: text(64).nullable(),
  policySummary: text(),
  threshold: z.number().int(),
  total: z.number().int(),
  kdf: KdfSummarySchema,
  fingerprint: FingerprintSchema,
  rehearsal: z.boolean(),
  reshareNonce: text(64).nullable(),
});
export type EnvelopeInfo = z.infer<typeof EnvelopeInfoSchema>;

/** One check of a ceremony folder, as `conclave verify` lists it. */
export const FolderCheckSchema = z.strictObject({ name: text(64), ok: z.boolean(), detail: text(2000) });
export type FolderCheckView = z.infer<typeof FolderCheckSchema>;

/** The first thing that does not hold: an entry (seq and type) or a file, and why. */
export const FolderFailureSchema = z.strictObject({
  entrySeq: z.number().int().nonnegative().nullable(),
  entryType: text(64).nullable(),
  file: text(4096).nullable(),
  reason: text(2000),
});
export type FolderFailureView = z.infer<typeof FolderFailureSchema>;

/** One transcript entry as a readable line for the transcript viewer. */
export const TranscriptEntryViewSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  type: text(64),
  at: text(64),
  actor: text(200),
  summary: text(600),
});
export type TranscriptEntryView = z.infer<typeof TranscriptEntryViewSchema>;

/** At most this many transcript entries are shown; a longer transcript says how many were left out. */
export const MAX_VIEWED_ENTRIES = 500;

export const CeremonyVerificationSchema = z.strictObject({
  ok: z.boolean(),
  directory: absolutePath,
  ceremonyId: text(128).nullable(),
  title: text(512).nullable(),
  rehearsal: z.boolean().nullable(),
  /** The sealed entry's hash, when the transcript verified that far. */
  finalHash: FingerprintSchema.nullable(),
  checks: z.array(FolderCheckSchema).max(64),
  firstFailure: FolderFailureSchema.nullable(),
  entries: z.array(TranscriptEntryViewSchema).max(MAX_VIEWED_ENTRIES),
  /** Entries in the transcript beyond those listed. */
  entriesLeftOut: z.number().int().nonnegative(),
});
export type CeremonyVerification = z.infer<typeof CeremonyVerificationSchema>;

// ---- Ceremony runner and witness signing (issue 4) ---------------------------------

const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const participantName = z.string().min(1).max(128);
const participantRole = z.enum(['administrator', 'custodian', 'witness']);
const entryHash = z.string().regex(/^[0-9a-f]{64}$/);

export const CeremonyStepStatusSchema = z.enum(['pending', 'started', 'done', 'skipped', 'exception']);
export type CeremonyStepStatus = z.infer<typeof CeremonyStepStatusSchema>;

/** One line of the step list. */
export const CeremonyStepSchema = z.strictObject({
  id: text(64),
  /** Position in the script, from 1. */
  index: z.number().int().min(1),
  title: text(256),
  action: text(64),
  status: CeremonyStepStatusSchema,
  /** The step the ceremony is at: the first one neither done nor skipped. */
  current: z.boolean(),
  irreversible: z.boolean(),
});
export type CeremonyStepView = z.infer<typeof CeremonyStepSchema>;

/** A precondition of the current step and whether it holds now (null: not checked yet). */
export const CeremonyPreconditionSchema = z.strictObject({
  id: text(64),
  label: text(200),
  holds: z.boolean().nullable(),
  problem: text(2000).nullable(),
});

/** Who must acknowledge the step in one role, who may, and who did (this attempt). */
export const CeremonyAcknowledgementSchema = z.strictObject({
  role: participantRole,
  /** In words: "the administrator", "every witness", "2 custodians". */
  label: text(200),
  needed: z.number().int().nonnegative(),
  candidates: z.array(text(128)).max(512),
  by: z.array(text(128)).max(512),
  missing: z.number().int().nonnegative(),
});
export type CeremonyAcknowledgementView = z.infer<typeof CeremonyAcknowledgementSchema>;

/** What the people in the room supply for the step to be performed. */
export const CeremonyStepInputsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** The administrator confirms the clock main reads is UTC and right. */
  z.strictObject({ kind: z.literal('clock'), systemTime: text(64), timeZone: text(64), utcOffsetMinutes: z.number().int() }),
  /** Custodians type their passphrases: all of them at setup and for a key backup's envelopes (twice), a quorum at login. */
  z.strictObject({
    kind: z.literal('custodian-passphrases'),
    purpose: z.enum(['setup', 'backup', 'login']),
    custodians: z.array(text(128)).max(255),
    /** How many must present: all at setup and backup; the threshold at login. */
    needed: z.number().int().nonnegative(),
    policy: text(512),
    /** The script sets no quorum up, so the login needs the quorum record's path. */
    recordPathNeeded: z.boolean(),
  }),
  /** Witnesses sign on the witness screen; these have not signed yet. */
  z.strictObject({ kind: z.literal('witness-signatures'), pending: z.array(text(128)).max(64) }),
  /**
   * A restore-key step: the backup ceremony's folder and the custodians who present their
   * backup-key envelopes. Shows what the restore checks, as the script pins it.
   */
  z.strictObject({
    kind: z.literal('restore'),
    /** The wrapped key's path inside the backup folder, and the folder of envelopes and record. */
    wrappedKeyFile: text(255),
    sharesFolder: text(255),
    /** The SHA-256 the wrapped file must have (null: not pinned; the engine then refuses the step). */
    wrappedKeySha256: text(64).nullable(),
    /** The public key the restored key must sign for (null for an AES key). */
    fingerprint: FingerprintSchema.nullable(),
    keyType: text(32),
    label: text(128),
    role: text(32),
  }),
  /**
   * An export-bundle step, before it runs: the recipient and the key as the script names
   * them, and where the bundle may be copied besides the ceremony folder (a medium is
   * chosen with ceremonyListMedia and given to ceremonyPerform as `medium`).
   */
  z.strictObject({
    kind: z.literal('export-bundle'),
    recipient: z.strictObject({
      name: text(128),
      kind: z.enum(['rsa', 'ec', 'transport-kek', 'aws-kms']),
      /** SHA-256 of the recipient's public key (SPKI DER); null for a transport KEK, or when the key in the script cannot be read. */
      fingerprint: FingerprintSchema.nullable(),
      /** The transport key-encryption key both tokens hold under this label (transport-kek only). */
      kekLabel: text(128).nullable(),
      awsKms: z.strictObject({ wrappingAlgorithm: text(64), keyId: text(2048).nullable() }).nullable(),
      /** Why the recipient's public key cannot be read; the step would fail. */
      problem: text(600).nullable(),
    }),
    key: z.strictObject({ label: text(128), algorithm: text(32).nullable(), usage: text(16), version: z.number().int().min(1), existing: z.boolean() }),
    signingKey: text(128),
    validityDays: z.number().int().min(1),
    qr: z.boolean(),
    /** Serials of the media the bundle may be copied to; null: any removable medium. */
    mediaAllowList: z.array(text(128)).max(64).nullable(),
  }),
]);
export type CeremonyStepInputs = z.infer<typeof CeremonyStepInputsSchema>;

/** The mounted removable media an export-bundle step may copy its bundle to, checked against its allow-list. */
export const CeremonyMediaSchema = z.strictObject({
  /** False when the mount table or /sys/block cannot be read: no medium can be seen then. */
  visible: z.boolean(),
  allowList: z.array(text(128)).max(64).nullable(),
  media: z
    .array(
      z.strictObject({
        device: text(256),
        mountPoint: text(4096),
        label: text(256).nullable(),
        serial: text(256).nullable(),
        sizeBytes: z.number().int().nonnegative().nullable(),
        fsType: text(64),
        readOnly: z.boolean(),
        /** The medium in words, as a media-written entry would name it. */
        description: text(256),
        /** On the step's allow-list; null when the step has none. */
        allowed: z.boolean().nullable(),
      }),
    )
    .max(64),
});
export type CeremonyMedia = z.infer<typeof CeremonyMediaSchema>;

/** A written bundle as QR frame texts, from the file whose SHA-256 the transcript records. */
export const BundleFramesSchema = z.strictObject({
  fileName: text(255),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  /** One single-part code holds the whole bundle. */
  staticFrame: z.boolean(),
  /** Upper-case UR texts of the type conclave-bundle (docs/qr-transport.md), in the order to show them. */
  texts: z
    .array(z.string().max(1000).regex(/^UR:CONCLAVE-BUNDLE\/(?:[1-9][0-9]{0,9}-[1-9][0-9]{0,9}\/)?[A-Z]+$/))
    .min(1)
    .max(2000),
});
export type BundleFrames = z.infer<typeof BundleFramesSchema>;

/** The custodians' policy over a backup's envelopes as the backup record lists it; the facts a restore checks, before any passphrase. */
export const BackupPreviewSchema = z.strictObject({
  directory: text(4096),
  ceremonyId: text(128),
  rehearsal: z.boolean(),
  createdAt: text(64),
  policy: text(512),
  threshold: z.number().int().min(1),
  /** The policy has custodian groups: a count alone does not say whether it holds. */
  grouped: z.boolean(),
  key: z.strictObject({ label: text(128), id: text(130), algorithm: text(32), fingerprint: FingerprintSchema.nullable(), checkValue: text(16).nullable() }),
  wrapped: z.strictObject({ file: text(255), sha256: text(64).nullable(), bytes: z.number().int().nonnegative().nullable() }),
  custodians: z.array(z.strictObject({ name: text(128), index: z.number().int().min(1), group: text(64).nullable(), envelope: z.enum(['found', 'missing', 'not-issued']) })).max(255),
  /** Each check of the folder against the script's pins and this ceremony. */
  checks: z.array(z.strictObject({ id: text(64), label: text(300), holds: z.boolean(), problem: text(2000).nullable() })).max(16),
});
export type BackupPreview = z.infer<typeof BackupPreviewSchema>;

/** The key a backup-key step wrapped and split, as its checked result records it: what a restore script pins. */
export const CeremonyBackupResultSchema = z.strictObject({
  label: text(128),
  id: text(130),
  algorithm: text(32),
  fingerprint: FingerprintSchema.nullable(),
  checkValue: text(16).nullable(),
  wrappedKey: z.strictObject({ file: text(255), sha256: text(64), bytes: z.number().int().nonnegative() }),
  backupRecord: z.strictObject({ file: text(255), sha256: text(64) }),
  policy: text(512),
  envelopes: z.array(z.strictObject({ name: text(128), fingerprint: text(100) })).max(255),
  check: text(600).nullable(),
});
export type CeremonyBackupResult = z.infer<typeof CeremonyBackupResultSchema>;

/** A performed export-bundle step: the bundle written, and where copies went. */
export const CeremonyExportResultSchema = z.strictObject({
  /** The bundle's path in the ceremony folder (bundles/…). */
  file: text(1024),
  sha256: FingerprintSchema,
  bytes: z.number().int().nonnegative(),
  exportedAt: text(64),
  expiresAt: text(64),
  rehearsal: z.boolean(),
  /** The recipient as the bundle names it; keyFingerprint is the transport KEK's check value for transport-kek. */
  recipient: z.strictObject({ name: text(128), kind: text(32), keyFingerprint: text(64) }),
  key: z.strictObject({ label: text(128), id: text(130), algorithm: text(32), usage: text(16), version: z.number().int().min(1) }),
  wrapMethod: text(32),
  /** The QR frames and sheet folder (qr/…/), or null when the step writes none. */
  qrFolder: text(1024).nullable(),
  /** A bundle an interrupted attempt wrote was checked and adopted rather than wrapped again. */
  adopted: z.boolean(),
  /** Copies written to media, each read back (path, the medium in words, SHA-256 read back). */
  media: z.array(z.strictObject({ path: text(4096), medium: text(256), sha256: text(64) })).max(8),
});
export type CeremonyExportResult = z.infer<typeof CeremonyExportResultSchema>;

/** A key a restore-key step put on the token, as read back and recorded. */
export const CeremonyRestoreResultSchema = z.strictObject({
  label: text(128),
  /** CKA_ID as hex: the original key's. */
  id: text(130),
  algorithm: text(32),
  role: text(32),
  adopted: z.boolean(),
  /** The attributes read back from the token, e.g. { name: 'sensitive', value: 'true' }. */
  attributes: z.array(z.strictObject({ name: text(32), value: text(64) })).max(32),
  /** The restored key's public key (the original's); null for an AES key. */
  fingerprint: FingerprintSchema.nullable(),
  /** It is the fingerprint the script pins; null for an AES key. */
  fingerprintMatchesPin: z.boolean().nullable(),
  checkValue: text(16).nullable(),
  /** How the key's identity was proven; null when the session did not perform it (after a restart). */
  identityCheck: text(600).nullable(),
  backupCeremonyId: text(128).nullable(),
  wrappedKeySha256: text(64).nullable(),
  custodians: z.array(text(128)).max(255),
});
export type CeremonyRestoreResult = z.infer<typeof CeremonyRestoreResultSchema>;

export const CeremonyKeySchema = z.strictObject({
  step: text(64).nullable(),
  label: text(128),
  algorithm: text(32),
  purpose: text(64),
  adopted: z.boolean(),
  /** SHA-256 of the public key (SPKI DER); null for a secret key. */
  fingerprint: FingerprintSchema.nullable(),
});
export type CeremonyKeyView = z.infer<typeof CeremonyKeySchema>;

/** The current step's card. */
export const CeremonyStepCardSchema = z.strictObject({
  id: text(64),
  index: z.number().int().min(1),
  title: text(256),
  instructions: text(4000),
  action: text(64),
  status: CeremonyStepStatusSchema,
  /** Its current attempt has begun (step-started is recorded), whatever its status says. */
  started: z.boolean(),
  irreversible: z.boolean(),
  /** The exact phrase to type before an irreversible step runs; null for other steps. */
  confirmationPhrase: text(256).nullable(),
  confirmed: z.boolean(),
  /** Performed in this session and its result checked; it is done once acknowledged and completed. */
  performed: z.boolean(),
  /** The checked result of the performed step, in one line. */
  result: text(600).nullable(),
  preconditions: z.array(CeremonyPreconditionSchema).max(8),
  acknowledgements: z.array(CeremonyAcknowledgementSchema).max(3),
  inputs: CeremonyStepInputsSchema,
  /** Keys this attempt of the step generated (or adopted), with their fingerprints. */
  keys: z.array(CeremonyKeySchema).max(16),
  /** A performed backup-key step: the files and fingerprint a restore script pins. */
  backup: CeremonyBackupResultSchema.nullable(),
  /** A restore-key step whose key is on the token: what was read back and checked. */
  restore: CeremonyRestoreResultSchema.nullable(),
  /** A performed export-bundle step: the bundle, its SHA-256 and the media it was copied to. */
  exportResult: CeremonyExportResultSchema.nullable(),
});
export type CeremonyStepCard = z.infer<typeof CeremonyStepCardSchema>;

export const CeremonyQuorumSchema = z.strictObject({
  policy: text(512),
  threshold: z.number().int().nonnegative(),
  custodians: z.array(z.strictObject({ name: text(128), group: text(64).nullable() })).max(255),
  /** The quorum was set up (in this ceremony, or it exists from an earlier one). */
  setUp: z.boolean(),
  /** The token is logged in by a quorum in this session. */
  loggedIn: z.boolean(),
  /** The custodians who presented at the latest login the transcript records. */
  presented: z.array(text(128)).max(255),
});

/** What the HSM worker and the step are doing now. */
export const CeremonyActivitySchema = z.strictObject({
  step: text(64).nullable(),
  /** What the step is doing, in words. */
  label: text(500),
  /** The HSM call running now, in words; null between calls. */
  operation: text(200).nullable(),
  startedAt: text(64),
  elapsedMs: z.number().int().nonnegative(),
  progress: z.strictObject({ done: z.number().int().nonnegative(), total: z.number().int().min(1), unit: text(64) }).nullable(),
  /** HSM calls made by this step so far. */
  hsmCalls: z.number().int().nonnegative(),
});
export type CeremonyActivity = z.infer<typeof CeremonyActivitySchema>;

export const CeremonyExceptionSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  step: text(64).nullable(),
  code: text(64).nullable(),
  reason: text(4000),
  at: text(64),
  /** Skipping is refused for steps a verifiable ceremony needs (the seal, the ceremony key). */
  skippable: z.boolean(),
});
export type CeremonyExceptionView = z.infer<typeof CeremonyExceptionSchema>;

/** What witnesses are asked to sign at the current step, for review before they sign. */
export const WitnessRequestSchema = z.strictObject({
  step: text(64),
  kind: z.enum(['checkpoint', 'seal']),
  /** The checkpoint or seal entry signed; null while the seal entry is still to be written. */
  targetSeq: z.number().int().nonnegative().nullable(),
  /** The entries covered: 0 to upTo, the last of them with hash coversHash. */
  upTo: z.number().int().nonnegative(),
  coversHash: text(64),
  /** What the reviewer confirms having read: the checkpoint entry's hash, or the head the seal will cover. */
  reviewHash: text(64),
  reviewWords: z.array(text(16)).max(32),
  /** keyKind: 'file' (Ed25519 key file) or 'pkcs11' (their own token, whose label the script may name). */
  signers: z.array(z.strictObject({ name: text(128), keyKind: text(16), keyFingerprint: text(64), tokenLabel: text(32).nullable(), signed: z.boolean() })).max(64),
  ready: z.boolean(),
  /** Why signing cannot happen now, when it cannot. */
  blockedBy: text(2000).nullable(),
});
export type WitnessRequest = z.infer<typeof WitnessRequestSchema>;

export const CeremonySealedSchema = z.strictObject({
  finalHash: FingerprintSchema,
  sealedAt: text(64),
  /** report.html, report.pdf and SHA256SUMS were written. */
  finalized: z.boolean(),
  finalizeError: ErrorValueSchema.nullable(),
  /** The files finalizing wrote (or found identical). */
  outputs: z.array(text(4096)).max(16),
});

export const CeremonyViewSchema = z.strictObject({
  directory: text(4096),
  ceremonyId: text(128),
  title: text(512),
  kind: text(64),
  rehearsal: z.boolean(),
  scriptName: text(256),
  status: z.enum(['running', 'sealed', 'aborted']),
  /** The command main is carrying out now, in words; null when idle. */
  busy: text(200).nullable(),
  steps: z.array(CeremonyStepSchema).max(200),
  current: CeremonyStepCardSchema.nullable(),
  quorum: CeremonyQuorumSchema,
  activity: CeremonyActivitySchema.nullable(),
  exception: CeremonyExceptionSchema.nullable(),
  witness: WitnessRequestSchema.nullable(),
  airGap: z.strictObject({ status: z.enum(['pass', 'warn', 'fail']).nullable(), overridden: z.boolean(), canOverride: z.boolean() }),
  /** The quorum must log in again (after a resume or a worker restart) before the current step. */
  reloginNeeded: z.boolean(),
  keys: z.array(CeremonyKeySchema).max(64),
  sealed: CeremonySealedSchema.nullable(),
  head: z.strictObject({ seq: z.number().int().nonnegative(), hash: text(64) }),
});
export type CeremonyView = z.infer<typeof CeremonyViewSchema>;

export const WitnessReviewSchema = z.strictObject({
  ceremonyId: text(128),
  title: text(512),
  rehearsal: z.boolean(),
  request: WitnessRequestSchema,
  /** The covered entries, latest last; earlier ones beyond the limit are counted, not listed. */
  entries: z.array(TranscriptEntryViewSchema).max(MAX_VIEWED_ENTRIES),
  entriesLeftOut: z.number().int().nonnegative(),
});
export type WitnessReview = z.infer<typeof WitnessReviewSchema>;

export const CeremonySourceSchema = z.discriminatedUnion('kind', [
  /** The built-in rehearsal root ceremony; the witness key file names its one witness. */
  z.strictObject({ kind: z.literal('template'), template: z.literal('rehearsal-root'), witnessKeyFile: absolutePath, certificate: z.boolean().optional() }),
  /** A script file (YAML or JSON, docs/ceremony-script.md). */
  z.strictObject({ kind: z.literal('script'), path: absolutePath }),
]);
export type CeremonySource = z.infer<typeof CeremonySourceSchema>;

/** A custodian's part of a quorum step: passphrase (typed twice at setup) and, when not in the ceremony folder, the envelope. */
export const CustodianInputSchema = z.strictObject({
  name: participantName,
  passphrase: secretText,
  passphraseRepeat: secretText.optional(),
  envelopePath: absolutePath.optional(),
});
export type CustodianInput = z.infer<typeof CustodianInputSchema>;

export const WitnessKeyInputSchema = z.strictObject({ name: participantName, keyFile: absolutePath, passphrase: secretText });
export type WitnessKeyInput = z.infer<typeof WitnessKeyInputSchema>;

/** A witness who signs with the key on their own PKCS#11 token; the PIN goes with this one request only. */
export const WitnessTokenInputSchema = z.strictObject({
  name: participantName,
  token: z.strictObject({
    /** The token's PKCS#11 library. */
    module: absolutePath,
    tokenLabel: z.string().min(1).max(32),
    /** CKA_LABEL of the witness's EC P-256 key pair. */
    keyLabel: z.string().min(1).max(128),
    pin: secretText,
  }),
});
export type WitnessTokenInput = z.infer<typeof WitnessTokenInputSchema>;

export const WitnessSignerInputSchema = z.union([WitnessKeyInputSchema, WitnessTokenInputSchema]);
export type WitnessSignerInput = z.infer<typeof WitnessSignerInputSchema>;

// ---- Bundle import, for ops teams (issue 5) ----------------------------------------

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** Where the bundle to import comes from: a file, a folder of QR frame images, or the frames the camera scan collected. */
export const ImportSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: absolutePath }),
  z.strictObject({ kind: z.literal('qr-folder'), path: absolutePath }),
  z.strictObject({ kind: z.literal('camera') }),
]);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

/** Progress of a camera scan: frames read, what they added, and how much of the bundle is known. */
export const ImportScanSchema = z.strictObject({
  framesRead: z.number().int().nonnegative(),
  used: z.number().int().nonnegative(),
  redundant: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  fragmentsKnown: z.number().int().nonnegative(),
  fragmentsTotal: z.number().int().nonnegative(),
  complete: z.boolean(),
  /** Why the latest refused frame was refused (another bundle, damaged), until a frame is used again. */
  lastRefusal: text(2000).nullable(),
});
export type ImportScan = z.infer<typeof ImportScanSchema>;

/** The verified manifest, as the operator reviews it before importing. */
export const ImportManifestSchema = z.strictObject({
  ceremonyId: text(128),
  transcriptHead: z.strictObject({ seq: z.number().int().nonnegative(), hash: text(64) }),
  exportedAt: text(64),
  expiresAt: text(64),
  rehearsal: z.boolean(),
  key: z.strictObject({ label: text(128), id: text(128), algorithm: text(32), usage: text(16), version: z.number().int(), publicKeyFingerprint: text(64).nullable() }),
  recipient: z.strictObject({
    name: text(128),
    kind: text(32),
    keyFingerprint: text(64),
    awsKms: z.strictObject({ wrappingAlgorithm: text(64), keyId: text(2048).nullable() }).nullable(),
  }),
  wrapMethod: text(32),
  /** Where it goes: unwrapped into an HSM token, or handed to AWS KMS as files. */
  target: z.enum(['token', 'aws-kms']),
});
export type ImportManifest = z.infer<typeof ImportManifestSchema>;

/** The import record written for a completed import, summarized. */
export const ImportRecordViewSchema = z.strictObject({
  path: text(4096),
  /** SHA-256 of the record file as read back from disk. */
  sha256: text(64),
  importedAt: text(64),
  outcome: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('token'),
      tokenLabel: text(),
      tokenModel: text(),
      tokenSerial: text(),
      keyLabel: text(128),
      keyId: text(128),
      /** The imported key's protection, read back from the token. */
      sensitive: z.boolean().nullable(),
      extractable: z.boolean().nullable(),
      usage: z.array(text(16)).max(8),
    }),
    z.strictObject({
      kind: z.literal('aws-kms'),
      directory: text(4096),
      files: z.array(z.strictObject({ name: text(256), sha256: text(64) })).max(8),
      command: text(2000),
    }),
  ]),
});
export type ImportRecordView = z.infer<typeof ImportRecordViewSchema>;

export const ImportViewSchema = z.strictObject({
  /** The pinned root key and whether the operator confirmed its fingerprint words. */
  root: z.strictObject({ path: text(4096), fingerprint: FingerprintSchema, curve: text(16), confirmed: z.boolean() }).nullable(),
  /** The camera scan in progress, if one was started. */
  scan: ImportScanSchema.nullable(),
  /** The loaded and verified bundle. */
  bundle: z
    .strictObject({
      /** How it arrived, in words: the file, the images, the camera frames. */
      origin: text(600),
      sha256: FingerprintSchema,
      bytes: z.number().int().positive(),
      rehearsalAllowed: z.boolean(),
      manifest: ImportManifestSchema,
    })
    .nullable(),
  record: ImportRecordViewSchema.nullable(),
  /** Where records go when the import request names no folder. */
  defaultRecordsDirectory: text(4096),
});
export type ImportView = z.infer<typeof ImportViewSchema>;

export const ImportTargetSchema = z.discriminatedUnion('kind', [
  /** The user PIN goes to main once, for one login; it is never stored. */
  z.strictObject({ kind: z.literal('token'), slotId: z.string().regex(/^\d{1,20}$/), pin: secretText, label: z.string().trim().min(1).max(128).optional() }),
  z.strictObject({ kind: z.literal('aws-kms'), outputDirectory: absolutePath }),
]);
export type ImportTarget = z.infer<typeof ImportTargetSchema>;

const none = z.strictObject({});

/** Channel name (also the preload method name) → request and response schemas. */
export const contract = {
  getStatus: { request: none, response: StatusSnapshotSchema },
  checkRoom: { request: none, response: RoomReportSchema },
  listModuleCandidates: { request: none, response: z.array(ModuleCandidateSchema) },
  useModule: { request: z.strictObject({ path: z.string().min(1).max(4096) }), response: StatusSnapshotSchema },
  refreshTokens: { request: none, response: StatusSnapshotSchema },
  quorumCalibrate: {
    request: none,
    response: z.strictObject({ kdf: KdfSummarySchema, milliseconds: z.number() }),
  },
  quorumSetupBegin: {
    request: z.strictObject({
      slotId: z.string().regex(/^\d{1,20}$/),
      ceremonyId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional(),
      policy: PolicyInputSchema,
      outputDirectory: absolutePath,
      /** Label for an uninitialized token, which setup initializes. */
      tokenLabel: z.string().min(1).max(32).optional(),
      /** Current PINs of an already initialized token, typed by the administrator once. */
      currentPins: z.strictObject({ soPin: secretText, userPin: secretText }).optional(),
    }),
    response: QuorumSetupViewSchema,
  },
  quorumSetupSeal: {
    request: z.strictObject({ setupId: text(64), index: z.number().int().min(1).max(255), passphrase: secretText, passphraseRepeat: secretText }),
    response: QuorumSetupViewSchema,
  },
  quorumSetupSave: {
    request: z.strictObject({ setupId: text(64), index: z.number().int().min(1).max(255), directory: absolutePath }),
    response: QuorumSetupViewSchema,
  },
  quorumEnvelopeQr: {
    request: z.strictObject({ setupId: text(64), index: z.number().int().min(1).max(255) }),
    response: z.strictObject({ pngDataUrl: z.string().max(2_000_000), fingerprint: FingerprintSchema }),
  },
  quorumSetupProve: {
    request: z.strictObject({ setupId: text(64), index: z.number().int().min(1).max(255), source: EnvelopeSourceSchema, passphrase: secretText }),
    response: QuorumSetupViewSchema,
  },
  quorumSetupComplete: { request: z.strictObject({ setupId: text(64) }), response: QuorumSetupViewSchema },
  quorumSetupCancel: { request: z.strictObject({ setupId: text(64) }), response: QuorumSetupViewSchema },
  quorumLoginBegin: {
    request: z.strictObject({ recordPath: absolutePath, slotId: z.string().regex(/^\d{1,20}$/) }),
    response: QuorumLoginViewSchema,
  },
  quorumLoginPresent: {
    request: z.strictObject({ sessionId: text(64), source: EnvelopeSourceSchema, passphrase: secretText }),
    response: QuorumLoginViewSchema,
  },
  /** Protected authentication path: custodians authenticate at the PIN pad / PED. */
  quorumLoginAtDevice: { request: z.strictObject({ sessionId: text(64) }), response: QuorumLoginViewSchema },
  quorumLoginCancel: { request: z.strictObject({ sessionId: text(64) }), response: QuorumLoginViewSchema },
  quorumReshareBegin: {
    request: z.strictObject({ recordPath: absolutePath, slotId: z.string().regex(/^\d{1,20}$/), policy: PolicyInputSchema, outputDirectory: absolutePath }),
    response: ReshareViewSchema,
  },
  quorumResharePresent: {
    request: z.strictObject({ reshareId: text(64), source: EnvelopeSourceSchema, passphrase: secretText }),
    response: ReshareViewSchema,
  },
  quorumReshareCommit: { request: z.strictObject({ reshareId: text(64), nonce: hex(64) }), response: ReshareViewSchema },
  inspectEnvelope: { request: z.strictObject({ source: EnvelopeSourceSchema }), response: EnvelopeInfoSchema },
  /** Verifies a ceremony folder read-only, as `conclave verify DIR` does. */
  verifyCeremony: { request: z.strictObject({ directory: absolutePath }), response: CeremonyVerificationSchema },
  getMechanisms: {
    request: z.strictObject({ slotId: z.string().regex(/^\d{1,20}$/) }),
    response: z.array(z.strictObject({ name: text(128), value: z.number().int().nonnegative() })),
  },
  /** Opens a new ceremony in an empty (or new) folder, from the built-in rehearsal or a script file. */
  ceremonyOpen: { request: z.strictObject({ directory: absolutePath, source: CeremonySourceSchema }), response: CeremonyViewSchema },
  /** Reopens an unsealed ceremony (after a crash or a restart) where its transcript stops. */
  ceremonyResume: { request: z.strictObject({ directory: absolutePath }), response: CeremonyViewSchema },
  /** The open ceremony (preconditions checked again), or null when none is open. */
  ceremonyState: { request: none, response: CeremonyViewSchema.nullable() },
  /** Closes the open ceremony; an unsealed one can be resumed later. */
  ceremonyClose: { request: none, response: z.null() },
  ceremonyStartStep: { request: z.strictObject({ step: stepId }), response: CeremonyViewSchema },
  /** The typed confirmation of an irreversible step. */
  ceremonyConfirm: { request: z.strictObject({ step: stepId, phrase: z.string().min(1).max(256) }), response: CeremonyViewSchema },
  ceremonyAcknowledge: { request: z.strictObject({ step: stepId, role: participantRole, name: participantName }), response: CeremonyViewSchema },
  /** Runs the step's action; the secrets it needs come with the request and are overwritten after it. */
  ceremonyPerform: {
    request: z.strictObject({
      step: stepId,
      /** The administrator compared the clock with an independent UTC source (confirm-clock-utc). */
      clockConfirmed: z.literal(true).optional(),
      custodians: z.array(CustodianInputSchema).min(1).max(255).optional(),
      quorumRecordPath: absolutePath.optional(),
      /** restore-key: the backup ceremony's folder; the custodians above present their backup-key envelopes. */
      backupFolder: absolutePath.optional(),
      /** export-bundle: a folder on a medium to copy the bundle to; for a fixed disk, the folder typed again. */
      medium: z.strictObject({ directory: absolutePath, nonRemovableConfirmation: z.string().min(1).max(4096).optional() }).optional(),
    }),
    response: CeremonyViewSchema,
  },
  ceremonyComplete: { request: z.strictObject({ step: stepId }), response: CeremonyViewSchema },
  ceremonyResolveException: {
    request: z.strictObject({ resolution: z.enum(['retry', 'skip', 'abort']), justification: z.string().trim().min(1).max(4000).optional() }),
    response: CeremonyViewSchema,
  },
  /** A written reason to continue although the air-gap check did not pass; recorded. */
  ceremonyOverrideAirGap: { request: z.strictObject({ reason: z.string().trim().min(10).max(2000) }), response: CeremonyViewSchema },
  /** The quorum logs in again after a resume or a worker restart. */
  ceremonyRelogin: {
    request: z.strictObject({ custodians: z.array(CustodianInputSchema).min(1).max(255), quorumRecordPath: absolutePath.optional() }),
    response: CeremonyViewSchema,
  },
  /** Finalizes a sealed ceremony's folder (reports, SHA256SUMS) again after an earlier attempt failed. */
  ceremonyFinalize: { request: none, response: CeremonyViewSchema },
  /** What the witnesses are asked to sign, with the entries it covers. */
  witnessReview: { request: z.strictObject({ step: stepId }), response: WitnessReviewSchema },
  /** Witnesses sign what they reviewed (its hash must still be the one to sign). */
  witnessSign: {
    request: z.strictObject({ step: stepId, reviewedHash: entryHash, witnesses: z.array(WitnessSignerInputSchema).min(1).max(64) }),
    response: CeremonyViewSchema,
  },
  /** Reads a backup ceremony's folder for a restore-key step without any secret: its record, envelopes and the checks against the script's pins. */
  ceremonyInspectBackup: { request: z.strictObject({ step: stepId, directory: absolutePath }), response: BackupPreviewSchema },
  /** The mounted removable media an export-bundle step may copy its bundle to; reads only. */
  ceremonyListMedia: { request: z.strictObject({ step: stepId }), response: CeremonyMediaSchema },
  /** The bundle an export-bundle step wrote, as QR frame texts; the file must have the SHA-256 the transcript records. */
  ceremonyBundleFrames: { request: z.strictObject({ step: stepId }), response: BundleFramesSchema },
  /** The import screen's state. */
  importState: { request: none, response: ImportViewSchema },
  /** Pins the root public key (a PEM file); a bundle loaded before is verified again against it. */
  importPinRoot: { request: z.strictObject({ path: absolutePath }), response: ImportViewSchema },
  /** The operator compared the root key's fingerprint words and confirms them; the fingerprint shown is sent back. */
  importConfirmRoot: { request: z.strictObject({ fingerprint: hex64 }), response: ImportViewSchema },
  /** Loads and verifies a bundle against the pinned root key. */
  importLoad: { request: z.strictObject({ source: ImportSourceSchema, allowRehearsal: z.boolean() }), response: ImportViewSchema },
  /** One QR text the camera decoded; main accumulates the UR frames. */
  importScanFrame: { request: z.strictObject({ text: z.string().min(1).max(4096) }), response: ImportScanSchema },
  /** Starts the camera scan over. */
  importScanReset: { request: none, response: ImportViewSchema },
  /** Imports the verified bundle into a token (one login) or writes its AWS KMS files; keeps a record. */
  importRun: {
    request: z.strictObject({ target: ImportTargetSchema, recordsDirectory: absolutePath.optional(), acceptOaepSha1: z.boolean().optional() }),
    response: ImportViewSchema,
  },
  /** Clears the import screen (the pinned root, the bundle, the scan, the record shown). */
  importReset: { request: none, response: ImportViewSchema },
} as const;

/** Events main pushes to the renderer, with their payload schemas. */
export const events = {
  usbChanged: z.strictObject({ status: UsbStatusSchema, event: UsbEventSchema.nullable() }),
  statusChanged: StatusSnapshotSchema,
  /** A login session changed by itself: a share expired, the HSM was removed. */
  quorumChanged: QuorumLoginViewSchema,
  /** The open ceremony changed: a command finished, or the step's HSM activity moved on. */
  ceremonyChanged: CeremonyViewSchema,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<Contract[C]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;
export const EVENTS: readonly EventName[] = EVENT_NAMES;

// Compile-time proof that channels.ts and the tables above name the same things.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Same<ChannelName, Channel> = true;
const eventsMatch: Same<EventNameOnWire, EventName> = true;
void channelsMatch;
void eventsMatch;

/** What the preload exposes as `window.conclave`: one method per channel, plus `on`. */
export type ConclaveApi = {
  [C in Channel]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
