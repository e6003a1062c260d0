// The app's rehearsal exports a data key to a rehearsal recipient, as `conclave rehearse`
// does (main/ceremony/engine/rehearsal-recipient.ts): a second throwaway SoftHSM2 token
// beside the app's rehearsal token, sharing a transport key-encryption key with it. The
// app's rehearsal token lives on between rehearsals, so this is done once: when the
// transport KEK is already on the rehearsal token, nothing changes.
//
// The HSM client comes from the app's own worker factory (a utility process in the app,
// where forking plain Node is not available), with the rehearsal token's configuration.
// The recipient's PINs are kept beside the rehearsal token's own PIN file, for this
// throwaway token only, so an import can be tried by hand afterwards.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { findTransportKek } from '../../bundle/wrap';
import { makeRecipientToken } from '../engine/rehearsal-recipient';
import type { HsmClient } from '../../hsm/hsm-client';
import { readRehearsalPins, REHEARSAL_DIRECTORY, REHEARSAL_LABEL } from '../../hsm/rehearsal-token';
import { REHEARSAL_RECIPIENT_TOKEN_LABEL, REHEARSAL_TRANSPORT_KEK_LABEL } from '../script';

export const REHEARSAL_RECIPIENT_FILE = 'rehearsal-recipient.json';
const RECIPIENT_FORMAT = 'conclave-rehearsal-recipient/1';
const CONF_FILE = 'softhsm2.conf';

export interface RehearsalRecipientOptions {
  /** The data folder whose rehearsal-token/ holds the app's rehearsal token. */
  dataDir: string;
  /** The SoftHSM2 module serving the rehearsal token. */
  modulePath: string;
  /** A fresh HSM client whose worker uses this SoftHSM2 configuration; closed here. */
  openHsm: (confPath: string) => Promise<HsmClient>;
}

export interface RehearsalRecipientState {
  transportKekLabel: string;
  /** True when this call made the recipient token and the transport KEK. */
  created: boolean;
  /** Where the recipient token's label and throwaway PINs are kept (when this app made it). */
  pinsFile: string;
}

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

function savePins(path: string, pins: { soPin: string; userPin: string }): void {
  const body = {
    format: RECIPIENT_FORMAT,
    rehearsal: true,
    warning: 'Throwaway rehearsal recipient token only. Never use these PINs, this token or anything made with it in production.',
    label: REHEARSAL_RECIPIENT_TOKEN_LABEL,
    soPin: pins.soPin,
    userPin: pins.userPin,
    transportKekLabel: REHEARSAL_TRANSPORT_KEK_LABEL,
    createdAt: new Date().toISOString(),
  };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  renameSync(tmp, path);
}

export async function ensureRehearsalRecipient(options: RehearsalRecipientOptions): Promise<RehearsalRecipientState> {
  const directory = join(options.dataDir, REHEARSAL_DIRECTORY);
  const confPath = join(directory, CONF_FILE);
  const pinsFile = join(directory, REHEARSAL_RECIPIENT_FILE);
  if (!existsSync(confPath)) {
    throw refused('REHEARSAL_TOKEN_MISSING', `There is no rehearsal token in ${directory}.`, 'Start Conclave without an HSM module (rehearsal), so it creates the rehearsal token, then open the rehearsal again.');
  }
  const client = await options.openHsm(confPath);
  const ceremonyPins = readRehearsalPins(options.dataDir);
  try {
    await client.loadModule(options.modulePath);
    const tokens = await client.listTokens();
    const ceremony = tokens.find((t) => t.token?.label === REHEARSAL_LABEL && t.token.flags.tokenInitialized);
    if (!ceremony) throw refused('REHEARSAL_TOKEN_MISSING', `SoftHSM2 in ${directory} holds no rehearsal token labelled "${REHEARSAL_LABEL}".`, `Delete the folder ${directory} so Conclave creates the rehearsal token again.`);
    await client.login(ceremony.slotId, 'user', Uint8Array.from(ceremonyPins.userPin));
    try {
      await findTransportKek(client, ceremony.slotId, REHEARSAL_TRANSPORT_KEK_LABEL);
      return { transportKekLabel: REHEARSAL_TRANSPORT_KEK_LABEL, created: false, pinsFile };
    } catch (error) {
      if (!DomainError.is(error) || error.code !== 'TRANSPORT_KEK_NOT_FOUND') throw error;
    }
    if (tokens.some((t) => t.token?.label === REHEARSAL_RECIPIENT_TOKEN_LABEL && t.token.flags.tokenInitialized)) {
      throw refused(
        'REHEARSAL_RECIPIENT_BROKEN',
        `The rehearsal recipient token "${REHEARSAL_RECIPIENT_TOKEN_LABEL}" exists in ${directory}, but the rehearsal token holds no transport key "${REHEARSAL_TRANSPORT_KEK_LABEL}" shared with it.`,
        `Delete the folder ${directory} (both tokens are throwaway); Conclave creates them again.`,
      );
    }
    const free = tokens.find((t) => t.tokenPresent && t.token !== null && !t.token.flags.tokenInitialized);
    if (!free) throw refused('REHEARSAL_RECIPIENT_FAILED', `SoftHSM2 in ${directory} offered no free slot for the rehearsal recipient token.`, `Delete the folder ${directory} so Conclave creates the rehearsal tokens again.`);
    await makeRecipientToken(client, ceremony.slotId, free.slotId, (pins) => savePins(pinsFile, pins));
    return { transportKekLabel: REHEARSAL_TRANSPORT_KEK_LABEL, created: true, pinsFile };
  } finally {
    ceremonyPins.soPin.fill(0);
    ceremonyPins.userPin.fill(0);
    // Closing the worker ends its sessions, and with them the logins it made.
    await client.close().catch(() => undefined);
  }
}
