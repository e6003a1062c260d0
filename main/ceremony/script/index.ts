// The ceremony script: format, parsing, checks, hash, templates (docs/ceremony-script.md).
export {
  ACK_ROLES,
  ACTIONS,
  CEREMONY_KEY_TYPE,
  CEREMONY_KINDS,
  DEFAULT_ACKNOWLEDGEMENTS,
  DEFAULT_BACKUP_SHARES_FOLDER,
  DEFAULT_SHARES_FOLDER,
  defaultAcknowledgements,
  defaultPreconditions,
  IRREVERSIBLE_BY_DEFAULT,
  isAsymmetric,
  KEY_ROLES,
  KEY_TYPES,
  KIND_REQUIRES,
  PRECONDITIONS,
  REQUIRED_PRECONDITIONS,
  RESERVED_OUTPUT_FILES,
  RESERVED_OUTPUT_FOLDERS,
  ROLES_FOR_TYPE,
  SCRIPT_FORMAT,
  SCRIPT_VERSION,
  type Acknowledgement,
  type AckRole,
  type Action,
  type CeremonyKind,
  type Count,
  type KeyType,
  type Precondition,
  type ScriptKeyRole,
} from './vocabulary';
export {
  ScriptSchema,
  StepSchema,
  type CeremonyInfo,
  type CeremonyScript,
  type CeremonyScriptInput,
  type CertificateSubject,
  type Custodian,
  type ParamsOf,
  type Participants,
  type QuorumSpec,
  type ScriptAcknowledgement,
  type ScriptStep,
  type StepInput,
  type StepOf,
  type TokenSpec,
  type Witness,
  type WitnessKey,
} from './schema';
export { checkScript, detectFormat, MAX_SCRIPT_CHARACTERS, parseScript, validateScript, type ParseScriptOptions, type ScriptCheck } from './parse-script';
export { problemText, ScriptInvalidError, type ScriptProblem } from './problems';
export type { SourceFormat } from './source';
export { scriptHash } from './script-hash';
export { scriptKeys, type ScriptKey } from './check-keys';
export { scriptOutputs, type ScriptOutput } from './check-outputs';
export { renderScriptYaml } from './render-yaml';
export { scriptJsonSchema, scriptJsonSchemaText } from './json-schema';
export { ceremonyKeyLabel, type TemplateOptions, type TemplateParticipants } from './templates/common';
export { quorumSetupScript } from './templates/quorum-setup';
export { rootKeyGenerationScript, type RootKeyOptions, type SigningKeyType } from './templates/root-key';
export { keyBackupScript, type KeyBackupOptions } from './templates/key-backup';
export { keyRestoreScript, type KeyRestoreOptions } from './templates/key-restore';
export {
  rehearsalRootScript,
  REHEARSAL_ADMINISTRATOR,
  REHEARSAL_CUSTODIANS,
  REHEARSAL_DATA_KEY_LABEL,
  REHEARSAL_RECIPIENT,
  REHEARSAL_RECIPIENT_TOKEN_LABEL,
  REHEARSAL_TOKEN_LABEL,
  REHEARSAL_TRANSPORT_KEK_LABEL,
  REHEARSAL_WITNESS,
  type RehearsalOptions,
} from './templates/rehearsal';
