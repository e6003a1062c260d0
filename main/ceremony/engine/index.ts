// The ceremony engine (docs/ceremony-runner.md): the state machine over the transcript,
// its actions, the unattended runner and the rehearsal set-up.
export { AnswersSchema, ANSWERS_FORMAT, ANSWERS_VERSION, loadAnswers, parseAnswers, type Answers, type AnswersInput } from './answers';
export { inputsFromAnswers } from './answer-inputs';
export type { ActionContext, CeremonyInputs, CrashPoint, EngineDeps, WitnessTokenInput } from './context';
export { BACKUP_RECORD_FILE, BACKUP_RECORD_FORMAT, parseBackupRecord, readBackupRecord, type BackupRecord } from './backup-record';
export { assertRunnable, CeremonyEngine, confirmationPhrase, SYSTEM_ACTOR, TRANSCRIPT_FILE, UNSUPPORTED_ACTIONS, type ScriptSource, type StepAnswers } from './engine';
export { engineError, outOfOrder, preconditionNotMet } from './errors';
export { BUNDLES_FOLDER, QR_FOLDER } from './export-bundle-action';
export { prepareRehearsalRecipient, type RehearsalRecipient } from './rehearsal-recipient';
export { REHEARSAL_OVERRIDE_REASON } from './room-actions';
export { FAST_KDF_ENV, isEmptyOrMissing, kdfCost, prepareRehearsal, rehearsalPinStore, rehearsalScript, REHEARSAL_ANSWERS_FILE, REHEARSAL_WITNESS_KEY_FILE, type PreparedRehearsal } from './rehearsal';
export { runCeremony, sealedOutcome, type RunOptions, type RunOutcome } from './runner';
export { deriveState, nextStep, type CeremonyState, type StepState, type StepStatus } from './step-state';
