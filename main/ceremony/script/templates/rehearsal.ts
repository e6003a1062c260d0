// The built-in rehearsal (`conclave rehearse`): a complete root ceremony on a throwaway
// SoftHSM2 token with a 3-of-5 quorum set up on the spot, the root keys, one witness
// with a key file, and the seal. The runner creates the witness key first and passes
// its fingerprint in.
import type { CeremonyScript } from '../schema';
import { rootKeyGenerationScript } from './root-key';

export interface RehearsalOptions {
  /** SHA-256 (hex) of the rehearsal witness's Ed25519 public key (SPKI DER). */
  witnessFingerprint: string;
  witnessName?: string;
  /** Default 'rehearsal-root'. */
  ceremonyId?: string;
  /** The rehearsal token's label. Default 'CONCLAVE REHEARSAL'. */
  tokenLabel?: string;
  /** Add the self-signed root certificate step. Default false. */
  certificate?: boolean;
  /**
   * Export one data key to the rehearsal recipient token under the transport key the
   * rehearsal set up between the two tokens (its label). None when left out.
   */
  bundleTransportKek?: string;
}

/** The rehearsal recipient: a second SoftHSM2 token beside the ceremony token. */
export const REHEARSAL_RECIPIENT = 'Rehearsal Recipient';
export const REHEARSAL_RECIPIENT_TOKEN_LABEL = 'CONCLAVE RECIPIENT';
export const REHEARSAL_TRANSPORT_KEK_LABEL = 'rehearsal-transport-kek';
export const REHEARSAL_DATA_KEY_LABEL = 'rehearsal-data-key';

/** The app's rehearsal token label (main/hsm/rehearsal-token.ts REHEARSAL_LABEL; a test keeps them equal). */
export const REHEARSAL_TOKEN_LABEL = 'CONCLAVE REHEARSAL';
export const REHEARSAL_CUSTODIANS = ['Custodian 1', 'Custodian 2', 'Custodian 3', 'Custodian 4', 'Custodian 5'] as const;
export const REHEARSAL_ADMINISTRATOR = 'Rehearsal Administrator';
export const REHEARSAL_WITNESS = 'Rehearsal Witness';

export function rehearsalRootScript(options: RehearsalOptions): CeremonyScript {
  return rootKeyGenerationScript({
    ceremonyId: options.ceremonyId ?? 'rehearsal-root',
    title: 'Rehearsal: root key generation',
    rehearsal: true,
    participants: {
      administrator: { name: REHEARSAL_ADMINISTRATOR },
      custodians: REHEARSAL_CUSTODIANS.map((name) => ({ name })),
      witnesses: [{ name: options.witnessName ?? REHEARSAL_WITNESS, key: { kind: 'file', fingerprint: options.witnessFingerprint } }],
    },
    quorum: { threshold: 3 },
    token: { label: options.tokenLabel ?? REHEARSAL_TOKEN_LABEL },
    quorumSetup: true,
    ...(options.bundleTransportKek
      ? {
          exports: [
            {
              id: 'data-key',
              label: REHEARSAL_DATA_KEY_LABEL,
              type: 'aes-256' as const,
              usage: 'encrypt' as const,
              recipient: { kind: 'transport-kek' as const, name: REHEARSAL_RECIPIENT, kekLabel: options.bundleTransportKek },
            },
          ],
        }
      : {}),
    ...(options.certificate ? { certificate: { subject: { commonName: 'Conclave Rehearsal Root', organization: 'Conclave rehearsal' }, validityDays: 365 } } : {}),
  });
}
