// The witness identities' public surface, for the ceremony engine, the verifier and the CLI.
export { createWitnessKey, type CreateWitnessKeyInput, type CreatedWitnessKey, type WitnessKeyRandomness } from './create-witness-key';
export { spkiToPem } from './ed25519-keys';
export { openWitnessKey } from './open-witness-key';
export { pkcs11WitnessSigner, type Pkcs11WitnessOptions, type WitnessHsm } from './pkcs11-witness';
export { checkWitnessSignature, verifyWitnessSignature, type WitnessSignatureCheck, type WitnessSignatureInput } from './verify-signature';
export {
  MAX_WITNESS_KEY_CHARS,
  parseWitnessKey,
  WITNESS_KEY_FORMAT,
  WITNESS_KEY_VERSION,
  witnessNameProblem,
  witnessPublicInfo,
  type ParsedWitnessKey,
  type WitnessPublicInfo,
} from './witness-key-file';
export { WITNESS_ALGORITHMS, type WitnessAlgorithm, type WitnessKind, type WitnessSigner } from './witness-signer';
export { readWitnessKeyFile, readWitnessKeyText } from './read-witness-key-file';
