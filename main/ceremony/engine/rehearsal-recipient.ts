// The rehearsal's bundle recipient: a second throwaway SoftHSM2 token beside the ceremony
// token (same rehearsal-token/ store, so one module serves both), sharing a transport
// key-encryption key with the ceremony token, set up by ECDH between the two tokens
// (docs/key-wrapping.md, "Transport KEK"). This happens before the ceremony opens, as a
// recipient's HSM is prepared before a real export; the transcript records the KEK's
// check value when the bundle is exported.
import { establishTransportKek } from '../../bundle/wrap';
import { forkHsmClient, type HsmClient } from '../../hsm/hsm-client';
import { randomPin, readRehearsalPins, REHEARSAL_LABEL, type RehearsalToken } from '../../hsm/rehearsal-token';
import { softHsmEnv } from '../../../native/softhsm/softhsm-config';
import { REHEARSAL_RECIPIENT_TOKEN_LABEL, REHEARSAL_TRANSPORT_KEK_LABEL } from '../script';
import { engineError } from './errors';

export interface RehearsalRecipient {
  label: string;
  soPin: string;
  userPin: string;
  transportKekLabel: string;
  transportKekCheckValue: string;
}

/**
 * Initializes the recipient token in `freeSlotId` with fresh throwaway PINs (handed to
 * `savePins` before the token exists: a token whose PINs are lost could never be used)
 * and sets up the transport KEK with the ceremony token, which must be logged in as user.
 * The recipient token is logged out again; the ceremony token's login is the caller's.
 */
export async function makeRecipientToken(
  client: HsmClient,
  ceremonySlotId: string,
  freeSlotId: string,
  savePins: (pins: { soPin: string; userPin: string }) => void,
): Promise<RehearsalRecipient> {
  const encode = (s: string) => new TextEncoder().encode(s);
  const soPin = randomPin();
  const userPin = randomPin();
  savePins({ soPin, userPin });
  const recipient = await client.initToken(freeSlotId, encode(soPin), REHEARSAL_RECIPIENT_TOKEN_LABEL);
  await client.initUserPin(recipient.slotId, encode(soPin), encode(userPin));
  await client.login(recipient.slotId, 'user', encode(userPin));
  const kek = await establishTransportKek({ hsm: client, slotId: ceremonySlotId }, { hsm: client, slotId: recipient.slotId }, { label: REHEARSAL_TRANSPORT_KEK_LABEL });
  await client.logout(recipient.slotId);
  return { label: REHEARSAL_RECIPIENT_TOKEN_LABEL, soPin, userPin, transportKekLabel: kek.label, transportKekCheckValue: kek.checkValue };
}

export async function prepareRehearsalRecipient(dataDir: string, token: RehearsalToken, options: { workerScript?: string } = {}): Promise<RehearsalRecipient> {
  const env = softHsmEnv(token.confPath);
  const client = forkHsmClient(options.workerScript ? { env, workerScript: options.workerScript } : { env });
  const ceremonyPins = readRehearsalPins(dataDir);
  try {
    await client.loadModule(token.modulePath);
    const tokens = await client.listTokens();
    const ceremony = tokens.find((t) => t.token?.label === REHEARSAL_LABEL && t.token.flags.tokenInitialized);
    const free = tokens.find((t) => t.tokenPresent && t.token !== null && !t.token.flags.tokenInitialized);
    if (!ceremony || !free) {
      throw engineError(
        'REHEARSAL_RECIPIENT_FAILED',
        `SoftHSM2 in ${token.tokenDirectory} offered no ${ceremony ? 'free slot for the rehearsal recipient token' : 'rehearsal ceremony token'}.`,
        'Run the rehearsal again in a new, empty folder.',
      );
    }
    await client.login(ceremony.slotId, 'user', ceremonyPins.userPin);
    const made = await makeRecipientToken(client, ceremony.slotId, free.slotId, () => undefined);
    await client.logout(ceremony.slotId);
    return made;
  } finally {
    ceremonyPins.soPin.fill(0);
    ceremonyPins.userPin.fill(0);
    await client.close();
  }
}
