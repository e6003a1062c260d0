// The app's ceremony session (docs/ipc-contract.md, "Ceremony channels"): one running
// engine driven by the people at the screens, its view, and the witnesses' review.
export { ActivityTracker, watchedHsm } from './activity';
export { acknowledgementViews, missingAcknowledgementsText } from './acknowledgements';
export { assertBackupFolder, assertPresentersMeetPolicy, previewBackup } from './backup-preview';
export { bundleFramesFor, bundlePathOf } from './bundle-frames';
export { exportInputsOf, exportResultOf } from './export-view';
export { ceremonyServiceForStatus, softHsmOpener, witnessHsmOpener, type StatusCeremonyOptions } from './for-status';
export { HeldInputs, type HeldCustodian, type HeldMedium, type HeldWitness, type InputUse } from './held-inputs';
export { mediaForStep } from './media-listing';
export { assertAbsolute, assertNewFolder, scriptFromSource, type OpenedSource } from './open-source';
export { ensureRehearsalRecipient, REHEARSAL_RECIPIENT_FILE, type RehearsalRecipientOptions, type RehearsalRecipientState } from './rehearsal-recipient';
export { createCeremonyService, type CeremonyChannel, type CeremonyEvent, type CeremonyHsm, type CeremonyService, type CeremonySessionOptions } from './session';
export { deriveCeremonyView, PRECONDITION_LABELS, type FinalizeState, type ViewInput } from './view';
export { backupResultOf, restoreResultOf } from './step-results';
export { checkWitnessInputs, heldWitnesses } from './witness-inputs';
export { coveredEntries, witnessRequest, type WitnessRequestInput } from './witness-request';
