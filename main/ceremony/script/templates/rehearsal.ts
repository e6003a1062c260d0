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
}

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
    ...(options.certificate ? { certificate: { subject: { commonName: 'Conclave Rehearsal Root', organization: 'Conclave rehearsal' }, validityDays: 365 } } : {}),
  });
}
