// The answers file: what the people in the room would type, for a run without prompts
// (`conclave run SCRIPT --answers FILE`, `conclave rehearse`). docs/ceremony-runner.md
// describes every field. It holds secrets (custodian and witness passphrases, and for a
// rehearsal token only its PINs), so it is read, used and never copied anywhere.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { engineError } from './errors';

export const ANSWERS_FORMAT = 'conclave-ceremony-answers';
export const ANSWERS_VERSION = 1;

const name = z.string().min(1).max(128);
const secret = z.string().min(1).max(1024);
const stepId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a step id');
const path = z.string().min(1).max(4096);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'expected the name of an environment variable');

/**
 * A witness's key: a key file (Ed25519, docs/witness-key.md) with its passphrase, or their
 * own PKCS#11 token — never its PIN in the file, only the environment variable holding it.
 */
const WitnessAnswerSchema = z
  .strictObject({
    keyFile: path.optional(),
    passphrase: secret.optional(),
    pkcs11: z
      .strictObject({
        /** The token's PKCS#11 library. */
        module: path,
        tokenLabel: z.string().min(1).max(32),
        /** CKA_LABEL of the EC P-256 key pair. */
        keyLabel: z.string().min(1).max(128),
        /** The environment variable holding the token's user PIN when the witness signs. */
        pinEnv: envName,
      })
      .optional(),
  })
  .refine((w) => (w.pkcs11 !== undefined ? w.keyFile === undefined && w.passphrase === undefined : w.keyFile !== undefined && w.passphrase !== undefined), {
    message: 'give either keyFile and passphrase, or pkcs11 (module, tokenLabel, keyLabel, pinEnv)',
  });

const ResolutionSchema = z
  .strictObject({
    resolution: z.enum(['retry', 'skip', 'abort']),
    /** Required for skip: why the step may be left out. */
    justification: z.string().min(1).max(4000).optional(),
    /** How many times to retry before aborting (retry only). Default 1. */
    attempts: z.int().min(1).max(10).optional(),
  })
  .refine((r) => r.resolution !== 'skip' || r.justification !== undefined, { message: 'skip needs a justification', path: ['justification'] });

export const AnswersSchema = z.strictObject({
  format: z.literal(ANSWERS_FORMAT),
  version: z.literal(ANSWERS_VERSION),
  /**
   * Custodian passphrases by name; `envelope` names the envelope file when it is not in the
   * ceremony folder. `backupPassphrase` and `backupEnvelope` are for key-backup envelopes
   * (the passphrase defaults to `passphrase`; the envelope is looked up in the backup folder).
   */
  custodians: z
    .record(name, z.strictObject({ passphrase: secret, envelope: path.optional(), backupPassphrase: secret.optional(), backupEnvelope: path.optional() }))
    .default({}),
  /** Per witness: a key file and its passphrase, or their own PKCS#11 token. */
  witnesses: z.record(name, WitnessAnswerSchema).default({}),
  /** For a key restore: the backup ceremony's folder, and who presents backup-key envelopes (default: every custodian with a passphrase). */
  backup: z.strictObject({ folder: path, custodians: z.array(name).min(1).max(255).optional() }).optional(),
  /**
   * Per export-bundle step: a folder on a mounted medium the bundle is copied to. A fixed
   * disk is refused unless `confirmNonRemovable` repeats the folder exactly.
   */
  media: z.record(stepId, z.strictObject({ directory: path, confirmNonRemovable: path.optional() })).default({}),
  /** Which custodians present their envelopes at a quorum login, in order; default: the first M listed. */
  loginCustodians: z.array(name).min(1).max(255).optional(),
  /** The quorum record to log in with when the script does not set the quorum up itself. */
  quorumRecord: path.optional(),
  /** Typed confirmations by step id: the exact phrase the engine asks for (the step id). */
  confirmations: z.record(stepId, z.string().min(1).max(256)).default({}),
  /** Type every confirmation phrase as asked (unattended rehearsals and tests). */
  confirmAll: z.boolean().default(false),
  /** Who acknowledges each step, by step id: names of participants. */
  acknowledgements: z.record(stepId, z.array(name).min(1).max(512)).default({}),
  /** Every step is acknowledged by the participants its script requires (the first ones listed for a count). */
  acknowledgeAll: z.boolean().default(false),
  /** The administrator confirms the workstation clock as UTC. */
  confirmClockUtc: z.boolean().default(false),
  /** A written reason to proceed although the air-gap check failed. Recorded as air-gap-override. */
  airGapOverride: z.strictObject({ reason: z.string().min(1).max(2000) }).optional(),
  /** What to do when a step fails, by step id; the default is abort. */
  onException: z.record(stepId, ResolutionSchema).default({}),
  /** The PKCS#11 module; else the script's token.module, else --module. */
  module: path.optional(),
  /**
   * ONLY for a throwaway rehearsal: the second SoftHSM2 token that receives the rehearsal
   * bundle (beside the ceremony token, same softhsm2.conf), its PINs for trying the import
   * by hand, and the transport key it shares with the ceremony token. Never read by a
   * ceremony; refused for any script that is not a rehearsal.
   */
  rehearsalRecipient: z
    .strictObject({
      rehearsal: z.literal(true),
      label: z.string().min(1).max(32),
      soPin: secret,
      userPin: secret,
      transportKek: z.strictObject({ label: z.string().min(1).max(128), checkValue: z.string().regex(/^[0-9a-f]{6,64}$/) }),
    })
    .optional(),
  /** ONLY for a throwaway rehearsal token: its label and PINs. Refused for any script that is not a rehearsal. */
  rehearsalToken: z
    .strictObject({
      rehearsal: z.literal(true),
      label: z.string().min(1).max(32),
      soPin: secret,
      userPin: secret,
      /** SOFTHSM2_CONF of the rehearsal token. */
      softhsm2Conf: path.optional(),
    })
    .optional(),
});
export type Answers = z.output<typeof AnswersSchema>;
export type AnswersInput = z.input<typeof AnswersSchema>;

/** Parses answers strictly; relative paths inside are resolved against `baseDir`. */
export function parseAnswers(value: unknown, baseDir: string, where = 'the answers'): Answers {
  const parsed = AnswersSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    // Never echo values: the file holds passphrases.
    throw engineError('ANSWERS_INVALID', `${where} are not valid at ${at}: ${issue.message}.`, 'Fix that field (docs/ceremony-runner.md describes the file) and run again.');
  }
  const answers = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  for (const c of Object.values(answers.custodians)) {
    if (c.envelope) c.envelope = abs(c.envelope);
    if (c.backupEnvelope) c.backupEnvelope = abs(c.backupEnvelope);
  }
  for (const w of Object.values(answers.witnesses)) {
    if (w.keyFile) w.keyFile = abs(w.keyFile);
    if (w.pkcs11) w.pkcs11.module = abs(w.pkcs11.module);
  }
  if (answers.backup) answers.backup.folder = abs(answers.backup.folder);
  if (answers.quorumRecord) answers.quorumRecord = abs(answers.quorumRecord);
  for (const m of Object.values(answers.media)) {
    // The confirmation repeats the folder as given; both are resolved the same way so they still compare equal.
    if (m.confirmNonRemovable !== undefined) m.confirmNonRemovable = m.confirmNonRemovable === m.directory ? abs(m.directory) : m.confirmNonRemovable;
    m.directory = abs(m.directory);
  }
  if (answers.rehearsalToken?.softhsm2Conf) answers.rehearsalToken.softhsm2Conf = abs(answers.rehearsalToken.softhsm2Conf);
  return answers;
}

export function loadAnswers(file: string): Answers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw engineError('ANSWERS_NOT_READABLE', `The answers file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path given with --answers.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw engineError('ANSWERS_INVALID', `The answers file ${file} is not JSON.`, 'Write it as JSON (docs/ceremony-runner.md).');
  }
  return parseAnswers(value, dirname(file), `The answers in ${file}`);
}
