// Opening a witness key file with the witness's passphrase: Argon2id, then
// XChaCha20-Poly1305 over the file's associated data, then a check that the seed really
// belongs to the public key in the file. The signer keeps only the 32-byte seed, builds
// a node:crypto key object for each signature, and overwrites the seed on close().
import { createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { DomainError } from '../../native/errors';
import { openWithPassphrase } from '../crypto/passphrase-box';
import { equalBytes, plainCopy } from '../quorum/bytes';
import { privateKeyFromSeed, spkiOf, SEED_BYTES } from './ed25519-keys';
import type { ParsedWitnessKey } from './witness-key-file';
import { selfCheckFailed, signerClosed, type WitnessSigner } from './witness-signer';

function wrongPassphrase(parsed: ParsedWitnessKey): DomainError {
  return new DomainError({
    code: 'WITNESS_KEY_WRONG_PASSPHRASE',
    message: `The passphrase does not open the witness key of ${parsed.name}.`,
    action:
      'Type the passphrase again, checking Caps Lock and the keyboard layout. If it still does not open, the key file may have been altered: compare its fingerprint with the one the ceremony script lists.',
  });
}

class FileWitnessSigner implements WitnessSigner {
  readonly kind = 'file' as const;
  readonly algorithm = 'ed25519' as const;
  private readonly publicKey: KeyObject;
  private closed = false;

  constructor(
    readonly name: string,
    readonly publicKeySpki: Uint8Array,
    readonly fingerprint: string,
    private readonly seed: Uint8Array,
  ) {
    this.publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
  }

  async sign(payload: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw signerClosed(this.name);
    if (!(payload instanceof Uint8Array)) throw new TypeError('sign: the payload must be bytes');
    const signature = plainCopy(nodeSign(null, payload, privateKeyFromSeed(this.seed)));
    // A fault while signing must not leave the room as a valid-looking signature.
    if (!nodeVerify(null, payload, this.publicKey, signature)) throw selfCheckFailed(this.name, 'file');
    return signature;
  }

  close(): void {
    this.closed = true;
    this.seed.fill(0);
  }
}

/**
 * Opens the key with the passphrase bytes and returns its signer. Throws
 * WITNESS_KEY_WRONG_PASSPHRASE when the AEAD does not authenticate (a wrong passphrase, or
 * a file altered after it was written) and WITNESS_KEY_MISMATCH when the decrypted seed
 * is not the private key of the file's public key. The passphrase is not overwritten
 * here: the caller owns it.
 */
export async function openWitnessKey(parsed: ParsedWitnessKey, passphrase: Uint8Array): Promise<WitnessSigner> {
  const seed = await openWithPassphrase(passphrase, { kdf: parsed.kdf, nonce: parsed.aead.nonce, associatedData: parsed.associatedData }, parsed.ciphertext);
  if (!seed) throw wrongPassphrase(parsed);
  if (seed.length !== SEED_BYTES || !equalBytes(spkiOf(privateKeyFromSeed(seed)), parsed.publicKeySpki)) {
    seed.fill(0);
    throw new DomainError({
      code: 'WITNESS_KEY_MISMATCH',
      message: `The witness key file of ${parsed.name} opens, but the private key in it does not belong to its public key.`,
      action: 'Do not use this key file: it was not written by Conclave as it is. Create a new witness key and have the ceremony script list its fingerprint.',
    });
  }
  return new FileWitnessSigner(parsed.name, plainCopy(parsed.publicKeySpki), parsed.fingerprint, seed);
}
