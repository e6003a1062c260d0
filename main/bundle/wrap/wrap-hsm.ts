// The slice of the HSM client that wrapping for a recipient and importing on the other
// side use. HsmClient (main/hsm/hsm-client.ts) implements it over the worker process;
// unit tests of the decisions around it use a fake, always beside a SoftHSM2 test.
import type { HsmClient } from '../../hsm/hsm-client';

export type WrapHsm = Pick<
  HsmClient,
  | 'mechanismDetails'
  | 'keyAttributes'
  | 'findObjects'
  | 'exportPublicKey'
  | 'destroyObject'
  | 'generateRandom'
  | 'wrapKey'
  | 'unwrapKey'
  | 'importSessionWrapKey'
  | 'importWrappingPublicKey'
  | 'generateEphemeralWrapKey'
  | 'generateEcdhKeyPair'
  | 'deriveEcdhKey'
  | 'keyCheckValue'
>;

/** Destroys session objects made along the way; their failure must not hide the real outcome. */
export async function destroyQuietly(hsm: Pick<WrapHsm, 'destroyObject'>, handles: Array<string | null | undefined>): Promise<void> {
  for (const handle of handles) {
    if (!handle) continue;
    try {
      await hsm.destroyObject(handle);
    } catch {
      // A session object the token already dropped is gone either way; it also vanishes with the session.
    }
  }
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** A label for a short-lived session object, unique enough not to collide with anything on the token. */
export function scratchLabel(purpose: string): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `conclave-${purpose}-${Buffer.from(bytes).toString('hex')}`;
}
