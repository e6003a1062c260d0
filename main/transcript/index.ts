// The hash-chained ceremony transcript (docs/transcript.md): entry schemas, the durable
// writer, reader and torn-entry recovery, and the pure verification core.
export { ChainVerifier, type ChainEntry, type ChainProblem, type ChainProblemCode } from './chain-verifier';
export {
  ACTOR_ROLES,
  ActorSchema,
  CEREMONY_SIGNING_PURPOSE,
  DATA_SCHEMAS,
  ENTRY_TYPES,
  PARTICIPANT_ROLES,
  SIGNATURE_ALGORITHMS,
  type Actor,
  type ActorRole,
  type EntryData,
  type EntryType,
  type Participant,
  type ParticipantRole,
  type SignatureAlgorithm,
} from './data-schemas';
export {
  CEREMONY_ID_PATTERN,
  TRANSCRIPT_VERSION,
  TranscriptEntrySchema,
  parseData,
  parseEntry,
  type EntryEnvelope,
  type EntryOf,
  type TranscriptEntry,
} from './entry-schema';
export { TranscriptError } from './errors';
export { isSecretFieldName, type JsonObject, type JsonValue } from './fields';
export { splitFileLines, type FileLines } from './file-lines';
export { ceremonySigningKeyOf, finalHash } from './final-hash';
export { nodeTranscriptFs, OPEN_FLAGS, type TranscriptFileHandle, type TranscriptFs } from './fs-port';
export { GENESIS_PREV, MAX_LINE_BYTES, entryText, hashLine } from './line';
export { LOCK_SUFFIX, acquireTranscriptLock, processAlive, type LockOptions, type TranscriptLock } from './lock';
export { readTranscript, type TranscriptContents } from './reader';
export { recoverTranscript, type RecoverOptions, type RecoveryResult, type TornCut } from './recovery';
export { SIGNATURE_DOMAIN, signaturePayload } from './signature-payload';
export { replayChain, verifyChain, type ChainResult } from './verify-chain';
export {
  shortFingerprint,
  verifySignatures,
  type SignatureFailure,
  type SignatureFailureCode,
  type SignatureResult,
  type SignatureTrust,
  type VerifiedSignature,
  type WitnessKey,
} from './verify-signatures';
export { openTranscript, TranscriptWriter, type AppendedEntry, type OpenTranscriptOptions } from './writer';
