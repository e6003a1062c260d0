// Two fresh SoftHSM2 tokens in one store (one module, two slots, as the rehearsal
// recipient's token sits beside the ceremony token), one worker client logged in to both,
// and the oracles the wrap tests use: a key's value learned through a known test KEK (so
// tests can compare without trusting the code under test), the key check value computed in
// software, and pkcs11-tool against either token.
import { createHash, randomBytes } from 'node:crypto';
import { aeskwp } from '@noble/ciphers/aes.js';
import { CHECK_VALUE_BYTES, CHECK_VALUE_TEST_KEY } from '../../../native/hsm/wrap-templates';
import type { ObjectSummary } from '../../../native/hsm/protocol';
import {
  clientFor,
  initTokenWithUtil,
  makeSoftHsm,
  pin,
  pkcs11Tool,
  type Cleanup,
  type HsmClient,
  type SoftHsmFixture,
  type TokenSpec,
} from '../../helpers/softhsm';

export const CEREMONY: TokenSpec = { label: 'Ceremony', soPin: 'so-ceremony-1', userPin: 'user-ceremony-1' };
export const RECIPIENT: TokenSpec = { label: 'Recipient', soPin: 'so-recipient-1', userPin: 'user-recipient-1' };

export interface TwoTokens {
  fixture: SoftHsmFixture;
  client: HsmClient;
  /** The ceremony token (the sender). */
  a: string;
  /** The recipient token. */
  b: string;
}

export async function twoTokens(t: Cleanup): Promise<TwoTokens> {
  const fixture = makeSoftHsm(t);
  initTokenWithUtil(fixture, CEREMONY);
  initTokenWithUtil(fixture, RECIPIENT);
  const client = clientFor(fixture, t);
  await client.loadModule(fixture.modulePath);
  const tokens = await client.listTokens();
  const slotOf = (label: string) => {
    const found = tokens.find((x) => x.token?.label === label);
    if (!found) throw new Error(`token ${label} is not listed`);
    return found.slotId;
  };
  const a = slotOf(CEREMONY.label);
  const b = slotOf(RECIPIENT.label);
  await client.login(a, 'user', pin(CEREMONY.userPin));
  await client.login(b, 'user', pin(RECIPIENT.userPin));
  return { fixture, client, a, b };
}

/**
 * The value of an extractable key on a token, for comparison in tests only: the key is
 * wrapped under a session KEK of a value the test chose, and unwrapped in software. For
 * private keys this is the token's PKCS#8 encoding (zero-padded to a multiple of 8 by
 * SoftHSM2, see docs/hsm-worker.md "Known deviations").
 */
export async function valueThroughTestKek(client: HsmClient, slotId: string, key: string): Promise<Uint8Array> {
  const kekValue = new Uint8Array(randomBytes(32));
  const kek = await client.importSessionWrapKey({ slotId, value: kekValue.slice(), label: `test-oracle-kek-${randomBytes(4).toString('hex')}` });
  try {
    return aeskwp(kekValue).decrypt(await client.wrapKey({ wrappingKey: kek.handle, key, mechanism: 'aes-key-wrap-pad' }));
  } finally {
    await client.destroyObject(kek.handle);
  }
}

/** docs/key-wrapping.md "Key check value", computed in software from a known KEK value. */
export function softwareCheckValue(kekValue: Uint8Array): string {
  return createHash('sha256').update(aeskwp(kekValue).encrypt(CHECK_VALUE_TEST_KEY)).digest().subarray(0, CHECK_VALUE_BYTES).toString('hex');
}

/** Every object on the token (handles, labels and classes), to prove that a refused import created nothing. */
export async function objectsOn(client: HsmClient, slotId: string): Promise<string[]> {
  const all: ObjectSummary[] = await client.findObjects({ slotId });
  return all.map((o) => `${o.class}/${o.keyType ?? '-'}/${o.label}/${o.id}`).sort();
}

/** pkcs11-tool against one of the two tokens, logged in as user. */
export function toolOn(fixture: SoftHsmFixture, spec: TokenSpec, args: string[]): string {
  return pkcs11Tool({ ...fixture, spec, client: undefined as never, slotId: '' }, ['--login', '--pin', spec.userPin, ...args]);
}
