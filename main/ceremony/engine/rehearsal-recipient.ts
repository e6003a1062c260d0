// The rehearsal's bundle recipient: a second throwaway SoftHSM2 token beside the ceremony
// token (same rehearsal-token/ store, so one module serves both), sharing a transport
// key-encryption key with the ceremony token, set up by ECDH between the two tokens
// (docs/key-wrapping.md, "Transport KEK"). This happens before the ceremony opens, as a
// recipient's HSM is prepared before a real export; the transcript records the KEK's
// check value when the bundle is exported.
import { establishTransportKek } from '../../bundle/wrap';
import { forkHsmClient } from '../../hsm/hsm-client';
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

export async function prepareRehearsalRecipient(dataDir: string, token: RehearsalToken, options: { workerScript?: string } = {}): Promise<RehearsalRecipient> {
  const env = softHsmEnv(token.confPath);
  const client = forkHsmClient(options.workerScript ? { env, workerScript: options.workerScript } : { env });
  const encode = (s: string) => new TextEncoder().encode(s);
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
    const soPin = randomPin();
    const userPin = randomPin();
    const recipient = await client.initToken(free.slotId, encode(soPin), REHEARSAL_RECIPIENT_TOKEN_LABEL);
    await client.initUserPin(recipient.slotId, encode(soPin), encode(userPin));
    await client.login(ceremony.slotId, 'user', ceremonyPins.userPin);
    await client.login(recipient.slotId, 'user', encode(userPin));
    const kek = await establishTransportKek({ hsm: client, slotId: ceremony.slotId }, { hsm: client, slotId: recipient.slotId }, { label: REHEARSAL_TRANSPORT_KEK_LABEL });
    await client.logout(ceremony.slotId);
    await client.logout(recipient.slotId);
    return { label: REHEARSAL_RECIPIENT_TOKEN_LABEL, soPin, userPin, transportKekLabel: kek.label, transportKekCheckValue: kek.checkValue };
  } finally {
    ceremonyPins.soPin.fill(0);
    ceremonyPins.userPin.fill(0);
    await client.close();
  }
}
