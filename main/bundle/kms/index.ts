// The AWS KMS import profile (docs/aws-kms-import.md).
export { awsKmsImportMaterial, type KmsImportMaterial, type KmsTarget } from './import-material';
export { parseKmsWrappingKey, KMS_WRAPPING_ALGORITHMS, type KmsWrappingAlgorithm, type KmsWrappingKey } from './wrapping-key';
export { kmsHandoff, ENCRYPTED_KEY_MATERIAL_FILE, IMPORT_TOKEN_FILE, type KmsHandoff } from './handoff';
