// A witness who signs with an EC P-256 key on their own PKCS#11 token (a smartcard). The
// caller has loaded the token's module and logged in with the witness's PIN; this finds
// the private key and its public key by label, exports the public key as SPKI, and signs
// with ECDSA SHA-256 in the token. PKCS#11 returns r || s; the signature is stored as DER,
// as OpenSSL and X.509 expect, and checked against the public key before it is returned.
import { DomainError } from '../../native/errors';
import { ecdsaRawToDer } from '../../native/hsm/der';
import type { ObjectSummary } from '../../native/hsm/protocol';
import type { HsmClient } from '../hsm/hsm-client';
import { plainCopy, sha256Hex } from '../quorum/bytes';
import { checkWitnessSignature } from './verify-signature';
import { selfCheckFailed, signerClosed, type WitnessSigner } from './witness-signer';

/** The part of the HSM client a token witness needs. */
export type WitnessHsm = Pick<HsmClient, 'findObjects' | 'exportPublicKey' | 'sign'>;

export interface Pkcs11WitnessOptions {
  client: WitnessHsm;
  /** The slot of the witness's token (decimal string), already logged in as user. */
  slotId: string;
  /** CKA_LABEL of the witness's key pair on the token. */
  keyLabel: string;
  /** The witness's name for the transcript; the key label when left out. */
  name?: string;
}

function keyProblem(code: string, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}

async function findOne(client: WitnessHsm, slotId: string, keyLabel: string, cls: 'private' | 'public'): Promise<ObjectSummary | null> {
  const found = await client.findObjects({ slotId, label: keyLabel, class: cls });
  if (found.length > 1) {
    throw keyProblem(
      'WITNESS_TOKEN_KEY_AMBIGUOUS',
      `The witness token holds ${found.length} ${cls} keys labelled "${keyLabel}".`,
      'Give the witness key a label of its own on the token (for example with pkcs11-tool --label), then try again.',
    );
  }
  return found[0] ?? null;
}

class Pkcs11WitnessSigner implements WitnessSigner {
  readonly kind = 'pkcs11' as const;
  readonly algorithm = 'ecdsa-p256-sha256' as const;
  private closed = false;

  constructor(
    readonly name: string,
    readonly publicKeySpki: Uint8Array,
    readonly fingerprint: string,
    private readonly client: WitnessHsm,
    private readonly privateKey: ObjectSummary,
  ) {}

  async sign(payload: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw signerClosed(this.name);
    if (!(payload instanceof Uint8Array)) throw new TypeError('sign: the payload must be bytes');
    const raw = await this.client.sign({ key: this.privateKey.handle, mechanism: 'ecdsa-sha256', data: plainCopy(payload) });
    let signature: Uint8Array;
    try {
      signature = ecdsaRawToDer(raw);
    } catch {
      throw selfCheckFailed(this.name, 'pkcs11');
    }
    const check = checkWitnessSignature({ algorithm: this.algorithm, publicKeySpki: this.publicKeySpki, payload, signature });
    if (!check.ok) throw selfCheckFailed(this.name, 'pkcs11');
    return signature;
  }

  close(): void {
    // The token holds the secret; the PIN belongs to the caller, who logs out.
    this.closed = true;
  }
}

/**
 * The signer for the EC P-256 key pair labelled `keyLabel` on a logged-in token. Throws
 * WITNESS_TOKEN_KEY_NOT_FOUND, WITNESS_TOKEN_KEY_AMBIGUOUS or WITNESS_TOKEN_KEY_UNSUITABLE
 * (not EC P-256, or a public key that does not pair with the private key by CKA_ID).
 */
export async function pkcs11WitnessSigner(options: Pkcs11WitnessOptions): Promise<WitnessSigner> {
  const { client, slotId, keyLabel } = options;
  const name = options.name ?? keyLabel;
  if (typeof keyLabel !== 'string' || keyLabel.length === 0) throw new TypeError('pkcs11WitnessSigner: keyLabel must be a non-empty label');
  const privateKey = await findOne(client, slotId, keyLabel, 'private');
  if (!privateKey) {
    throw keyProblem(
      'WITNESS_TOKEN_KEY_NOT_FOUND',
      `No private key labelled "${keyLabel}" is on the witness token in slot ${slotId}.`,
      'Check that the witness has logged in to their own token with their PIN (private keys are visible only then) and that the label is the one on the token (pkcs11-tool --list-objects).',
    );
  }
  if (privateKey.keyType !== 'ec') {
    throw keyProblem(
      'WITNESS_TOKEN_KEY_UNSUITABLE',
      `The key labelled "${keyLabel}" on the witness token is ${privateKey.keyType === null ? 'of unknown type' : `an ${privateKey.keyType.toUpperCase()} key`}; a token witness signs with EC P-256.`,
      'Generate an EC P-256 key pair on the witness token (for example pkcs11-tool --keypairgen --key-type EC:prime256v1) and use its label.',
    );
  }
  const publicObject = await findOne(client, slotId, keyLabel, 'public');
  if (publicObject && publicObject.id !== '' && privateKey.id !== '' && publicObject.id !== privateKey.id) {
    throw keyProblem(
      'WITNESS_TOKEN_KEY_UNSUITABLE',
      `The public and private keys labelled "${keyLabel}" on the witness token have different ids (${publicObject.id} and ${privateKey.id}), so they may not be one key pair.`,
      'Label the witness key pair consistently on the token (same label and CKA_ID for both halves).',
    );
  }
  // Without a public key object under the label, the token finds the private key's pair by CKA_ID.
  const exported = await client.exportPublicKey(publicObject ? publicObject.handle : privateKey.handle);
  if (exported.algorithm !== 'ec-p256') {
    throw keyProblem(
      'WITNESS_TOKEN_KEY_UNSUITABLE',
      `The key labelled "${keyLabel}" on the witness token is ${exported.algorithm}; a token witness signs with EC P-256.`,
      'Generate an EC P-256 key pair on the witness token (for example pkcs11-tool --keypairgen --key-type EC:prime256v1) and use its label.',
    );
  }
  const spki = plainCopy(exported.spki);
  return new Pkcs11WitnessSigner(name, spki, sha256Hex(spki), client, privateKey);
}
