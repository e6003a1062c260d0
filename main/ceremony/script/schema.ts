// The ceremony script format (docs/ceremony-script.md) as a strict zod schema: unknown
// fields are refused everywhere, every step is one of a closed set of actions with its
// own parameters, and what a step leaves out (acknowledgements, preconditions,
// irreversible) is filled in from the action's defaults, so a parsed script states
// everything the engine will enforce. Rules that span fields (labels, order, policy)
// are in semantic-checks.ts; docs/ceremony-script.schema.json is generated from this.
import { z } from 'zod';
import {
  CEREMONY_KINDS,
  defaultAcknowledgements,
  defaultPreconditions,
  DEFAULT_BACKUP_SHARES_FOLDER,
  DEFAULT_SHARES_FOLDER,
  IRREVERSIBLE_BY_DEFAULT,
  KEY_ROLES,
  KEY_TYPES,
  PRECONDITIONS,
  SCRIPT_FORMAT,
  SCRIPT_VERSION,
  type Action,
} from './vocabulary';

/**
 * Names and descriptions for docs/ceremony-script.schema.json, kept in this module's own
 * registry (not zod's global one, whose ids must be unique across the whole program).
 */
export const scriptSchemaRegistry = z.registry<{ id?: string; description?: string }>();

/** A copy of `schema` carrying JSON Schema metadata; named ones become shared $defs. */
function doc<T extends z.ZodType>(schema: T, meta: { id?: string; description?: string }): T {
  const copy = schema.clone() as T;
  scriptSchemaRegistry.add(copy, meta);
  return copy;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Text a person reads: no control characters, no surrounding spaces, NFC. */
function text(max: number, what: string) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), { error: `expected ${what} without control characters (tabs, line breaks)` })
    .refine((s) => s.trim() === s, { error: `expected ${what} without leading or trailing spaces` })
    .refine((s) => s.normalize('NFC') === s, { error: `expected ${what} in Unicode NFC form (retype the accented letters)` });
}

/** Multi-line text (notes, instructions): line breaks and tabs allowed, other control characters not. */
function prose(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s), { error: 'expected text without control characters other than line breaks and tabs' })
    .refine((s) => s.trim().length > 0, { error: 'expected text that is not only spaces' });
}

const Sha256Hex = doc(z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a SHA-256 as 64 lower-case hex digits' }), {
  id: 'Sha256Hex',
  description: 'A SHA-256 digest as 64 lower-case hex digits.',
});

const identifier = (what: string) => z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: `expected ${what}: 1 to 64 letters, digits, ".", "_" or "-"` });

/** A PKCS#11 object label: printable ASCII, so it reads the same in every tool (pkcs11-tool, vendor consoles). */
const KeyLabel = doc(z.string().regex(/^[!-~](?:[ -~]{0,126}[!-~])?$/, { error: 'expected a key label: 1 to 128 printable ASCII characters, no leading or trailing spaces' }), {
  id: 'KeyLabel',
  description: 'CKA_LABEL of a key on the token: 1 to 128 printable ASCII characters. A label names one key for the whole script.',
});

/**
 * A path inside the ceremony folder: relative, "/"-separated, each part starting with a
 * letter or digit (so no ".", "..", hidden files or absolute paths).
 */
const OutputPath = doc(
  z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, {
      error: 'expected a relative path inside the ceremony folder: parts of letters, digits, ".", "_", "-" separated by "/", each part starting with a letter or digit',
    }),
  { id: 'OutputPath', description: 'A relative path inside the ceremony folder ("/"-separated; each part starts with a letter or digit).' },
);

const PersonName = doc(text(64, 'a name'), { id: 'PersonName', description: 'Display name, unique among all participants (case-insensitive).' });
const GroupName = doc(text(64, 'a group name'), { id: 'GroupName', description: 'A custodian group of the quorum policy.' });

const Count = doc(z.union([z.literal('all'), z.number().int().min(1)], { error: 'expected "all" or a whole number of at least 1' }), {
  id: 'Count',
  description: '"all", or how many of them.',
});

export const KeyTypeSchema = doc(z.enum(KEY_TYPES), { id: 'KeyType', description: 'A key type Conclave generates in the token.' });
export const KeyRoleSchema = doc(z.enum(KEY_ROLES), {
  id: 'KeyRole',
  description: 'What the key is for: sign, wrap, encrypt, or wrap-only-export (extractable only wrapped, no other use).',
});
export const PreconditionSchema = doc(z.enum(PRECONDITIONS), { id: 'Precondition', description: 'A condition the engine checks live before the step starts.' });

// ---- ceremony, participants, quorum, token, outputs -------------------------------

export const CeremonyInfoSchema = doc(
  z.strictObject({
    id: doc(identifier('a ceremony id'), { description: 'Names the ceremony in the transcript, envelopes and report: 1 to 64 letters, digits, ".", "_" or "-".' }),
    title: text(200, 'a title'),
    kind: doc(z.enum(CEREMONY_KINDS), { description: 'What the ceremony is for; each kind except custom must contain its defining step.' }),
    rehearsal: doc(z.boolean(), { description: 'True for a rehearsal: every output is marked as such and refused by production imports.' }),
    previousCeremonyFinalHash: doc(Sha256Hex.optional(), { description: "The previous ceremony's final transcript hash, linked from this one." }),
  }),
  { id: 'Ceremony' },
);

export const WitnessKeySchema = doc(
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('file'),
      fingerprint: doc(Sha256Hex, { description: "SHA-256 of the witness's Ed25519 public key (SPKI DER), from their key file." }),
    }),
    z.strictObject({
      kind: z.literal('pkcs11'),
      fingerprint: doc(Sha256Hex, { description: "SHA-256 of the witness's EC P-256 public key (SPKI DER) on their own token." }),
      tokenLabel: text(32, 'a token label').optional(),
    }),
  ]),
  { id: 'WitnessKey', description: "The witness's signing key, named by fingerprint; the verifier matches signatures against it." },
);

export const WitnessSchema = doc(z.strictObject({ name: PersonName, key: WitnessKeySchema }), { id: 'Witness' });

export const ParticipantsSchema = doc(
  z.strictObject({
    administrator: z.strictObject({ name: PersonName }),
    custodians: z.array(z.strictObject({ name: PersonName, group: GroupName.optional() })).min(2).max(255),
    witnesses: z.array(WitnessSchema).min(1).max(64),
  }),
  { id: 'Participants', description: 'Everyone with a role; each person has one role and a distinct name.' },
);

export const QuorumSchema = doc(
  z.strictObject({
    threshold: z.number().int().min(2).max(255),
    groups: z
      .array(z.strictObject({ name: GroupName, threshold: z.number().int().min(1).max(255) }))
      .min(1)
      .max(16)
      .optional(),
    groupThreshold: z.number().int().min(1).max(16).optional(),
  }),
  { id: 'Quorum', description: 'The M-of-N policy over participants.custodians (groups as in docs/share-envelope.md).' },
);

export const TokenSchema = doc(
  z.strictObject({
    // Longer than 32 characters is already reported; only count bytes for the rest.
    label: text(32, 'a token label').refine((s) => s.length > 32 || new TextEncoder().encode(s).length <= 32, { error: 'expected a token label of at most 32 bytes in UTF-8' }),
    module: doc(
      z
        .string()
        .max(4096)
        .regex(/^(?:\/|[A-Za-z]:[\\/])[^\u0000-\u001f]*$/, { error: 'expected the absolute path of a PKCS#11 library' })
        .optional(),
      { description: 'PKCS#11 library; when left out, the module chosen in the app (or --module) is used.' },
    ),
    slotSerial: doc(
      z
        .string()
        .regex(/^[!-~](?:[ -~]{0,14}[!-~])?$/, { error: 'expected a token serial number: 1 to 16 printable ASCII characters' })
        .optional(),
      { description: "The token's serial number; when given, any other token is refused." },
    ),
  }),
  { id: 'Token', description: 'The HSM token the ceremony runs on.' },
);

export const OutputsSchema = doc(
  z.strictObject({
    folder: doc(
      z
        .string()
        .min(1)
        .max(4096)
        .regex(/^[^\u0000-\u001f]+$/, { error: 'expected a folder path without control characters' })
        .optional(),
      { description: 'Where the ceremony folder is written; the command line (--out) or the app may choose it instead.' },
    ),
  }),
  { id: 'Outputs' },
);

// ---- steps ----------------------------------------------------------------------

export const AcknowledgementSchema = doc(
  z.discriminatedUnion('role', [
    z.strictObject({ role: z.literal('administrator') }),
    z.strictObject({ role: z.literal('custodians'), count: Count }),
    z.strictObject({ role: z.literal('witnesses'), count: Count }),
  ]),
  { id: 'Acknowledgement', description: 'A role that must acknowledge the step before it is done.' },
);

const Existing = doc(z.boolean().default(false), { description: 'True when the key is already on the token (not generated by this script).' });

export const CertificateSubjectSchema = doc(
  z.strictObject({
    commonName: text(64, 'a common name'),
    organization: text(64, 'an organization').optional(),
    organizationalUnit: text(64, 'an organizational unit').optional(),
    country: z.string().regex(/^[A-Z]{2}$/, { error: 'expected a two-letter country code in capitals (ISO 3166), such as "DE"' }).optional(),
    state: text(128, 'a state or province').optional(),
    locality: text(128, 'a locality').optional(),
  }),
  { id: 'CertificateSubject', description: "The certificate's subject (and issuer) name." },
);

const NoParams = doc(z.strictObject({}).default({}), { id: 'NoParams', description: 'This action takes no parameters.' });

const PublicKeyPem = doc(
  z
    .string()
    .max(4096)
    .regex(/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/, { error: 'expected a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)' }),
  { id: 'PublicKeyPem', description: "The recipient's public key as PEM SubjectPublicKeyInfo, written into the script so the transcript records exactly which key was trusted." },
);

export type BundleRecipient = z.input<typeof BundleRecipientSchema>;
export const BundleRecipientSchema = doc(
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rsa'), name: PersonName, publicKey: PublicKeyPem }),
    z.strictObject({ kind: z.literal('ec'), name: PersonName, publicKey: PublicKeyPem }),
    z.strictObject({
      kind: z.literal('transport-kek'),
      name: PersonName,
      kekLabel: doc(KeyLabel, { description: "Label of the AES-256 transport key-encryption key that this token and the recipient's HSM share." }),
    }),
    z.strictObject({
      kind: z.literal('aws-kms'),
      name: PersonName,
      publicKey: doc(PublicKeyPem, { description: 'The wrapping public key from aws kms get-parameters-for-import, as PEM.' }),
      awsKms: z.strictObject({
        wrappingAlgorithm: z.enum(['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256']),
        importToken: doc(z.string().max(16384).regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'expected the import token as standard base64' }), {
          description: 'The ImportToken from get-parameters-for-import, base64; it travels in the bundle to the ops side.',
        }),
        keyId: text(2048, 'a KMS key id or ARN').optional(),
      }),
    }),
  ]),
  { id: 'BundleRecipient', description: 'Who a bundle is for and the key it is wrapped to (docs/key-wrapping.md).' },
);

const signers = doc(Count.default('all'), { description: 'How many of the listed witnesses must sign.' });

/** Each action's parameters. Actions without parameters take an empty `params` (or none). */
export const PARAMS = {
  'check-room': NoParams,
  'confirm-clock-utc': NoParams,
  'record-token-facts': NoParams,
  'quorum-setup': z
    .strictObject({
      folder: doc(OutputPath.default(DEFAULT_SHARES_FOLDER), { description: "Folder in the ceremony folder for the custodians' envelopes and the quorum record." }),
    })
    .default({ folder: DEFAULT_SHARES_FOLDER }),
  'quorum-login': NoParams,
  'generate-ceremony-key': z.strictObject({ label: KeyLabel }),
  'generate-key': z.strictObject({ label: KeyLabel, type: KeyTypeSchema, role: KeyRoleSchema }),
  'export-public-key': z.strictObject({
    label: KeyLabel,
    existing: Existing,
    file: doc(OutputPath, { description: 'PEM file (SubjectPublicKeyInfo) written into the ceremony folder.' }),
  }),
  'self-signed-certificate': z.strictObject({
    label: KeyLabel,
    existing: Existing,
    subject: CertificateSubjectSchema,
    validityDays: z.number().int().min(1).max(36525),
    file: doc(OutputPath, { description: 'PEM certificate written into the ceremony folder.' }),
  }),
  'backup-key': z.strictObject({
    label: KeyLabel,
    existing: Existing,
    backupKeyLabel: doc(KeyLabel, { description: 'Label of the AES-256 backup key made for this backup and split among the custodians.' }),
    file: doc(OutputPath, { description: 'The wrapped key (AES key wrap with padding, RFC 5649), written into the ceremony folder.' }),
    sharesFolder: doc(OutputPath.default(DEFAULT_BACKUP_SHARES_FOLDER), { description: "Folder for the custodians' envelopes of the backup key." }),
  }),
  'restore-key': z.strictObject({
    label: doc(KeyLabel, { description: 'Label the restored key gets on this token.' }),
    type: KeyTypeSchema,
    role: KeyRoleSchema,
    wrappedKeyFile: doc(OutputPath, { description: "The wrapped key's path inside the backup ceremony's folder (the backup-key step's file)." }),
    wrappedKeySha256: doc(Sha256Hex.optional(), {
      description: "SHA-256 of the wrapped key file as the backup ceremony's transcript records it; any other file is refused. The engine runs a restore only when it is given.",
    }),
    fingerprint: doc(Sha256Hex.optional(), {
      description: "For a key pair: SHA-256 of the original public key (SPKI DER), as the backup ceremony records it; the restored key must match it. The engine runs a restore of a key pair only when it is given; an AES key has none.",
    }),
    sharesFolder: doc(OutputPath.default(DEFAULT_BACKUP_SHARES_FOLDER), {
      description: "The backup-key step's sharesFolder inside the backup ceremony's folder: the backup record and the custodians' envelopes.",
    }),
  }),
  'export-bundle': z.strictObject({
    label: doc(KeyLabel, { description: 'The key to export; generated earlier with the role wrap-only-export, or existing.' }),
    existing: Existing,
    type: doc(KeyTypeSchema.optional(), { description: 'The key type; required for an existing key (a generated key has the type it was generated with).' }),
    signingKey: doc(KeyLabel, { description: "The root signing key (EC P-256 or P-384, role sign) that signs the bundle inside the token; the ops side pins its public key." }),
    recipient: BundleRecipientSchema,
    usage: doc(z.enum(['sign', 'encrypt', 'wrap']), { description: "What the recipient's HSM lets the imported key do." }),
    version: doc(z.number().int().min(1).max(2147483647).default(1), { description: 'The key version the bundle carries (rotation makes a new version, never overwrites one).' }),
    validityDays: doc(z.number().int().min(1).max(3650).default(30), { description: 'Days until the bundle expires; an importer refuses it afterwards.' }),
    qr: doc(z.boolean().default(true), { description: 'Also write the bundle as QR frames and a printable sheet under qr/.' }),
    allowOaepSha1: doc(z.boolean().default(false), { description: 'Allow RSA-OAEP with SHA-1 when the token cannot do SHA-256 (recorded in the bundle; importers may refuse it).' }),
    allowZeroPaddedKwp: doc(z.boolean().default(false), {
      description: "Allow a private key to be wrapped by a token whose AES key wrap with padding zero-pads (SoftHSM2); only for a recipient known to accept that form.",
    }),
    mediaAllowList: doc(z.array(z.string().min(1).max(128)).max(64).optional(), { description: 'Serials of the removable media the bundle may be copied to; absent: any removable medium.' }),
  }),
  checkpoint: NoParams,
  'witness-sign': z.strictObject({ signers }).default({ signers: 'all' }),
  seal: z.strictObject({ signers }).default({ signers: 'all' }),
  note: z.strictObject({ text: prose(4000) }),
} as const satisfies Record<Action, z.ZodType>;

const StepId = doc(identifier('a step id'), { id: 'StepId', description: 'Unique within the script (letter case does not count): 1 to 64 letters, digits, ".", "_" or "-".' });
const StepTitle = doc(text(200, 'a title'), { id: 'StepTitle' });
const Instructions = doc(prose(4000), { id: 'Instructions', description: 'What the people in the room do at this step, shown on the step card.' });
const AcknowledgementList = doc(z.array(AcknowledgementSchema).min(1).max(3), {
  id: 'Acknowledgements',
  description: 'Roles that must acknowledge the step before it is done; defaults per action.',
});
const PreconditionList = doc(z.array(PreconditionSchema).max(PRECONDITIONS.length), {
  id: 'Preconditions',
  description: 'Checked live before the step starts; must include the ones the action requires (the default).',
});

/** "generate-key" → "GenerateKeyStep". */
const stepDefName = (action: Action) => `${action.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Step`;

function stepOf<A extends Action>(action: A) {
  return doc(
    z.strictObject({
      id: StepId,
      title: StepTitle,
      instructions: Instructions.optional(),
      action: z.literal(action),
      params: PARAMS[action],
      acknowledgements: AcknowledgementList.default(() => defaultAcknowledgements(action)),
      irreversible: doc(z.boolean().default(IRREVERSIBLE_BY_DEFAULT[action]), { description: 'Irreversible steps need a typed confirmation before they start.' }),
      preconditions: PreconditionList.default(() => defaultPreconditions(action)),
    }),
    { id: stepDefName(action) },
  );
}

export const StepSchema = z.discriminatedUnion('action', [
  stepOf('check-room'),
  stepOf('confirm-clock-utc'),
  stepOf('record-token-facts'),
  stepOf('quorum-setup'),
  stepOf('quorum-login'),
  stepOf('generate-ceremony-key'),
  stepOf('generate-key'),
  stepOf('export-public-key'),
  stepOf('self-signed-certificate'),
  stepOf('backup-key'),
  stepOf('restore-key'),
  stepOf('export-bundle'),
  stepOf('checkpoint'),
  stepOf('witness-sign'),
  stepOf('seal'),
  stepOf('note'),
]);

export const ScriptSchema = z.strictObject({
  format: z.literal(SCRIPT_FORMAT),
  version: z.literal(SCRIPT_VERSION),
  ceremony: CeremonyInfoSchema,
  participants: ParticipantsSchema,
  quorum: QuorumSchema,
  token: TokenSchema,
  outputs: OutputsSchema.default({}),
  steps: z.array(StepSchema).min(1).max(200),
});

/** A parsed, validated script with every default filled in. */
export type CeremonyScript = z.output<typeof ScriptSchema>;
/** What a script file may say (defaults may be left out). */
export type CeremonyScriptInput = z.input<typeof ScriptSchema>;
export type CeremonyInfo = CeremonyScript['ceremony'];
export type Participants = CeremonyScript['participants'];
export type Witness = Participants['witnesses'][number];
export type WitnessKey = Witness['key'];
export type Custodian = Participants['custodians'][number];
export type QuorumSpec = CeremonyScript['quorum'];
export type TokenSpec = CeremonyScript['token'];
export type ScriptStep = CeremonyScript['steps'][number];
export type StepInput = CeremonyScriptInput['steps'][number];
export type StepOf<A extends Action> = Extract<ScriptStep, { action: A }>;
export type ParamsOf<A extends Action> = StepOf<A>['params'];
export type CertificateSubject = z.output<typeof CertificateSubjectSchema>;
export type ScriptAcknowledgement = z.output<typeof AcknowledgementSchema>;
