// The `data` of every transcript entry type, strictly. An entry can hold only these fields,
// which is how the transcript keeps secrets out: there is no field a PIN, passphrase or
// share could go into, and free-form objects refuse secret-bearing field names.
// docs/transcript.md ("Entry types") describes each one for an auditor.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TokenFlagsSchema } from '../../preload/contract';
import { base64, count, fingerprint, hex64, isoUtcMs, jsonObject, personName, prose, slug, text } from './fields';

export const PARTICIPANT_ROLES = ['administrator', 'custodian', 'witness'] as const;
export const ACTOR_ROLES = [...PARTICIPANT_ROLES, 'system'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const SIGNATURE_ALGORITHMS = ['ecdsa-p256-sha256', 'ed25519'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** The key-generated purpose of the key that signs checkpoints and the seal. */
export const CEREMONY_SIGNING_PURPOSE = 'ceremony-signing';

const MAX_SCRIPT_CHARS = 512 * 1024;
const MAX_SPKI_BYTES = 2048;

export const ActorSchema = z.strictObject({
  role: z.enum(ACTOR_ROLES),
  name: personName,
});
export type Actor = z.infer<typeof ActorSchema>;

const ParticipantSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('administrator'), name: personName }),
  z.strictObject({ role: z.literal('custodian'), name: personName }),
  /** A witness with the SHA-256 (hex) of their public key's SPKI DER, as the script lists it. */
  z.strictObject({ role: z.literal('witness'), name: personName, keyFingerprint: hex64 }),
]);
export type Participant = z.infer<typeof ParticipantSchema>;

const CeremonyOpenedSchema = z
  .strictObject({
    /** The script file exactly as read: its text (UTF-8) and the SHA-256 of those bytes. */
    script: z.strictObject({
      name: text(256),
      format: z.enum(['yaml', 'json']),
      sha256: hex64,
      text: z.string().min(1).max(MAX_SCRIPT_CHARS),
    }),
    tool: z.strictObject({ name: z.literal('conclave'), version: text(64) }),
    rehearsal: z.boolean(),
    /** The final hash of the ceremony this one follows, or null for a first ceremony. */
    previousCeremonyFinalHash: hex64.nullable(),
    participants: z.array(ParticipantSchema).min(1).max(512),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.participants.forEach((p, i) => {
      const key = `${p.role}\u0000${p.name.toLowerCase()}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['participants', i, 'name'], message: `${p.role} "${p.name}" is listed twice` });
      seen.add(key);
    });
    if (!value.participants.some((p) => p.role === 'administrator')) {
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'no administrator is listed' });
    }
    const actual = sha256HexOfText(value.script.text);
    if (actual !== value.script.sha256) {
      ctx.addIssue({ code: 'custom', path: ['script', 'sha256'], message: `the script text hashes to ${actual}, not to the recorded sha256` });
    }
  });

const RoomCheckedSchema = z.strictObject({
  rehearsal: z.boolean(),
  ready: z.boolean(),
  checks: z
    .array(
      z.strictObject({
        id: text(64),
        title: text(512),
        status: z.enum(['pass', 'warn', 'fail']),
        reason: prose(4000),
      }),
    )
    .max(256),
});

const ClockConfirmedSchema = z.strictObject({
  /** The workstation's clock when the administrator confirmed it. */
  systemTime: isoUtcMs,
  /** The time zone the system reported (IANA name), e.g. "UTC" or "Etc/UTC". */
  timeZone: text(64),
  /** Minutes east of UTC the system reported; 0 for UTC. */
  utcOffsetMinutes: z.int().min(-1440).max(1440),
});

const AirGapOverrideSchema = z.strictObject({
  /** Ids of the room checks that did not hold. */
  failedChecks: z.array(text(64)).min(1).max(64),
  reason: prose(2000),
});

// Token and module facts as the PKCS#11 module reported them (already trimmed of padding).
const reported = (max: number) => z.string().max(max).refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'control characters are not allowed');

const TokenFactsSchema = z.strictObject({
  slotId: z.string().regex(/^\d{1,20}$/, 'expected the PKCS#11 slot id as a decimal number'),
  label: reported(64),
  manufacturer: reported(64),
  model: reported(64),
  serial: reported(64),
  firmwareVersion: reported(16),
  hardwareVersion: reported(16),
  flags: TokenFlagsSchema,
  module: z.strictObject({
    path: reported(4096),
    libraryDescription: reported(128),
    manufacturer: reported(128),
    cryptokiVersion: reported(16),
    libraryVersion: reported(16),
  }),
});

const StepStartedSchema = z.strictObject({
  step: slug,
  /** Position of the step in the script, from 1. */
  index: z.int().min(1).max(1000),
  title: text(256),
});

const StepAcknowledgedSchema = z.strictObject({
  step: slug,
  role: z.enum(PARTICIPANT_ROLES),
  name: personName,
});

const StepCompletedSchema = z.strictObject({
  step: slug,
  /** What the step produced and how it was checked: fingerprints, attributes read back... */
  result: jsonObject,
});

const ExceptionOpenedSchema = z.strictObject({
  /** The step that failed, or null for a failure outside a step (the HSM vanished). */
  step: slug.nullable(),
  /** Stable error code, e.g. "TOKEN_NOT_PRESENT", when there is one. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/).nullable(),
  reason: prose(4000),
});

const ExceptionResolvedSchema = z
  .strictObject({
    /** Sequence number of the exception-opened entry this resolves. */
    exception: count,
    resolution: z.enum(['retry', 'skip', 'abort']),
    /** Required for "skip": why the step may be left out. */
    justification: prose(4000).nullable(),
    by: z.strictObject({ role: z.enum(PARTICIPANT_ROLES), name: personName }),
  })
  .refine((value) => value.resolution !== 'skip' || value.justification !== null, {
    path: ['justification'],
    message: 'skipping a step needs a written justification',
  });

const ConfirmationTypedSchema = z.strictObject({
  step: slug.nullable(),
  /** What was confirmed, in words, e.g. "generate the root key on token ROOT-2025". */
  subject: text(512),
  /** The exact phrase the person typed (never a secret: it is shown on screen first). */
  phrase: text(256),
});

const QuorumEstablishedSchema = z.strictObject({
  purpose: z.enum(['setup', 'login', 'reshare']),
  policyId: hex64,
  policySummary: text(512),
  /** The custodians whose shares were used (login) or made (setup, reshare). */
  custodians: z.array(z.strictObject({ name: personName, group: text(64).nullable() })).min(1).max(255),
  /** SHA-256 of the quorum record file, when one was written or read. */
  recordSha256: hex64.nullable(),
});

const KeyGeneratedSchema = z
  .strictObject({
    /** What the key is for in this ceremony; "ceremony-signing" signs checkpoints and the seal. */
    purpose: slug,
    label: text(128),
    /** CKA_ID as lower-case hex. */
    id: z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'expected the key id as lower-case hex'),
    algorithm: z.enum(['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096']),
    hsmRole: z.enum(['sign', 'wrap', 'encrypt', 'wrap-only-export']),
    /** True when the key was found on the token after a resume rather than generated now. */
    adopted: z.boolean(),
    /** SPKI DER as base64, for key pairs; null for secret keys. */
    publicKeySpki: base64(MAX_SPKI_BYTES).nullable(),
    /** SHA-256 of the SPKI DER as grouped hex and words; null for secret keys. */
    fingerprint: fingerprint.nullable(),
    /** Attributes read back from the token after generation. */
    attributes: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/), z.union([z.boolean(), z.int(), text(256, 0), z.null()])),
  })
  .superRefine((value, ctx) => {
    const isPair = value.algorithm !== 'aes-256';
    if (isPair !== (value.publicKeySpki !== null)) {
      ctx.addIssue({ code: 'custom', path: ['publicKeySpki'], message: isPair ? 'a key pair records its public key' : 'a secret key has no public key' });
      return;
    }
    if ((value.publicKeySpki === null) !== (value.fingerprint === null)) {
      ctx.addIssue({ code: 'custom', path: ['fingerprint'], message: 'the fingerprint is recorded exactly when the public key is' });
      return;
    }
    if (value.publicKeySpki !== null && value.fingerprint !== null) {
      const actual = sha256HexOfBytes(Buffer.from(value.publicKeySpki, 'base64'));
      if (actual !== value.fingerprint.hex.replace(/ /g, '')) {
        ctx.addIssue({ code: 'custom', path: ['fingerprint', 'hex'], message: `the public key hashes to ${actual}, not to the recorded fingerprint` });
      }
    }
    if (value.purpose === CEREMONY_SIGNING_PURPOSE && value.algorithm !== 'ec-p256') {
      ctx.addIssue({ code: 'custom', path: ['algorithm'], message: 'the ceremony signing key is an EC P-256 key' });
    }
  });

const MediaWrittenSchema = z.strictObject({
  /** Where the file went, as the operating system named it. */
  path: text(4096),
  /** The medium in words, e.g. 'USB stick "BACKUP-1" (SanDisk, 16 GB)'. */
  medium: text(256),
  /** SHA-256 of the bytes read back from the medium. */
  sha256: hex64,
  bytes: count,
});

const FileWrittenSchema = z.strictObject({
  /** Path relative to the ceremony folder, with "/" separators. */
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine((value) => !value.startsWith('/') && !value.split('/').some((part) => part === '' || part === '.' || part === '..'), 'expected a relative path inside the ceremony folder')
    .refine((value) => !/[\u0000-\u001f\u007f\\]/.test(value), 'control characters and backslashes are not allowed'),
  purpose: text(256),
  sha256: hex64,
  bytes: count,
});

/** A checkpoint or the seal covers every entry before it: upTo is the previous seq, hash its entry hash. */
const CoverageSchema = z.strictObject({ upTo: count, hash: hex64 });

const SignatureSchema = z
  .strictObject({
    /** Sequence number of the checkpoint or seal entry signed. */
    signs: count,
    /** Its entry hash. */
    entryHash: hex64,
    signer: z.strictObject({
      kind: z.enum(['ceremony-key', 'witness']),
      /** The witness's name, or the ceremony key's label. */
      name: personName,
      /** SHA-256 (hex) of the signer's SPKI DER. */
      keyFingerprint: hex64,
    }),
    algorithm: z.enum(SIGNATURE_ALGORITHMS),
    publicKeySpki: base64(MAX_SPKI_BYTES),
    /** ECDSA: DER Ecdsa-Sig-Value; Ed25519: the 64 signature bytes. */
    signature: base64(80, 8),
  })
  .superRefine((value, ctx) => {
    const actual = sha256HexOfBytes(Buffer.from(value.publicKeySpki, 'base64'));
    if (actual !== value.signer.keyFingerprint) {
      ctx.addIssue({ code: 'custom', path: ['signer', 'keyFingerprint'], message: `the public key hashes to ${actual}, not to the recorded key fingerprint` });
    }
    if (value.signer.kind === 'ceremony-key' && value.algorithm !== 'ecdsa-p256-sha256') {
      ctx.addIssue({ code: 'custom', path: ['algorithm'], message: 'the ceremony key signs with ecdsa-p256-sha256' });
    }
  });

const SealedSchema = z.strictObject({
  /** Sequence number of the seal entry. */
  seal: count,
  sealHash: hex64,
  /** Sequence numbers of the signature entries over the seal, in order. */
  signatures: z.array(count).min(1).max(256),
});

const ResumedSchema = z.strictObject({
  /** The last entry found intact when the ceremony was reopened. */
  lastSeq: count,
  lastHash: hex64,
  /** The step the ceremony resumes at, or null when none was running. */
  resumeAt: slug.nullable(),
  /** What was checked on reopening: token state, keys adopted by label and id... */
  findings: jsonObject,
});

const TornEntryCutSchema = z.strictObject({
  /** The line (from 1) where the cut bytes began. */
  line: z.int().min(1),
  bytes: z.int().min(1),
  /** SHA-256 of the bytes removed. */
  sha256: hex64,
  reason: z.enum(['no-newline', 'unparseable']),
});

/** Every entry type and the schema of its data. */
export const DATA_SCHEMAS = {
  'ceremony-opened': CeremonyOpenedSchema,
  'room-checked': RoomCheckedSchema,
  'clock-confirmed': ClockConfirmedSchema,
  'air-gap-override': AirGapOverrideSchema,
  'token-facts': TokenFactsSchema,
  'step-started': StepStartedSchema,
  'step-acknowledged': StepAcknowledgedSchema,
  'step-completed': StepCompletedSchema,
  'exception-opened': ExceptionOpenedSchema,
  'exception-resolved': ExceptionResolvedSchema,
  'confirmation-typed': ConfirmationTypedSchema,
  'quorum-established': QuorumEstablishedSchema,
  'key-generated': KeyGeneratedSchema,
  'media-written': MediaWrittenSchema,
  'file-written': FileWrittenSchema,
  checkpoint: CoverageSchema,
  signature: SignatureSchema,
  seal: CoverageSchema,
  sealed: SealedSchema,
  resumed: ResumedSchema,
  'torn-entry-cut': TornEntryCutSchema,
} as const;

export type EntryType = keyof typeof DATA_SCHEMAS;
export const ENTRY_TYPES = Object.keys(DATA_SCHEMAS) as EntryType[];
export type EntryData<T extends EntryType> = z.infer<(typeof DATA_SCHEMAS)[T]>;

function sha256HexOfBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sha256HexOfText(value: string): string {
  return sha256HexOfBytes(Buffer.from(value, 'utf8'));
}
