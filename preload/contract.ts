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
} as const;

/** Events main pushes to the renderer, with their payload schemas. */
export const events = {
  usbChanged: z.strictObject({ status: UsbStatusSchema, event: UsbEventSchema.nullable() }),
  statusChanged: StatusSnapshotSchema,
  /** A login session changed by itself: a share expired, the HSM was removed. */
  quorumChanged: QuorumLoginViewSchema,
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
