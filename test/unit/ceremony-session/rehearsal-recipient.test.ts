// The app's rehearsal recipient, on real SoftHSM2 tokens: the first time the built-in
// rehearsal opens, a second throwaway token is made beside the app's rehearsal token and
// both get the same transport KEK (same check value), its PINs kept in a 0600 file; the
// next time nothing changes. A client that had the module loaded before (the status
// service's) sees the new KEK on the rehearsal token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTransportKek } from '../../../main/bundle/wrap';
import { REHEARSAL_RECIPIENT_TOKEN_LABEL, REHEARSAL_TRANSPORT_KEK_LABEL } from '../../../main/ceremony/script';
import { ensureRehearsalRecipient, REHEARSAL_RECIPIENT_FILE } from '../../../main/ceremony/session';
import { forkHsmClient, type HsmClient } from '../../../main/hsm/hsm-client';
import { ensureRehearsalToken, readRehearsalPins, REHEARSAL_LABEL, type RehearsalToken } from '../../../main/hsm/rehearsal-token';
import { softHsmEnv } from '../../../native/softhsm/softhsm-config';
import { requireSoftHsm, requireWorkerBuild } from '../../helpers/softhsm';

const openHsm = async (confPath: string) => forkHsmClient({ env: softHsmEnv(confPath) });

async function kekCheckValue(client: HsmClient, label: string, pin: Uint8Array): Promise<string> {
  const slot = (await client.listTokens()).find((t) => t.token?.label === label && t.token.flags.tokenInitialized)!;
  await client.login(slot.slotId, 'user', pin);
  try {
    const kek = await findTransportKek(client, slot.slotId, REHEARSAL_TRANSPORT_KEK_LABEL);
    return (await client.keyCheckValue(kek.handle)).value;
  } finally {
    await client.logout(slot.slotId);
  }
}

describe('the app rehearsal recipient', () => {
  let dataDir: string;
  let token: RehearsalToken;
  let status: HsmClient;

  before(async () => {
    requireSoftHsm();
    requireWorkerBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-app-recipient-'));
    token = await ensureRehearsalToken(dataDir);
    // As the status service's client: the module loaded before the recipient exists.
    status = forkHsmClient({ env: softHsmEnv(token.confPath) });
    await status.loadModule(token.modulePath);
  });

  after(async () => {
    await status?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses when there is no rehearsal token', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'conclave-app-recipient-none-'));
    try {
      await assert.rejects(ensureRehearsalRecipient({ dataDir: empty, modulePath: token.modulePath, openHsm }), (error: { code?: string; action?: string }) => error.code === 'REHEARSAL_TOKEN_MISSING' && !!error.action);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('makes the recipient token and one transport KEK on both tokens, its PINs in a 0600 file', async () => {
    const made = await ensureRehearsalRecipient({ dataDir, modulePath: token.modulePath, openHsm });
    assert.equal(made.created, true);
    assert.equal(made.transportKekLabel, REHEARSAL_TRANSPORT_KEK_LABEL);
    assert.equal(made.pinsFile, join(dataDir, 'rehearsal-token', REHEARSAL_RECIPIENT_FILE));
    assert.equal(statSync(made.pinsFile).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(made.pinsFile, 'utf8')) as { rehearsal: boolean; label: string; userPin: string; transportKekLabel: string };
    assert.equal(saved.rehearsal, true);
    assert.equal(saved.label, REHEARSAL_RECIPIENT_TOKEN_LABEL);
    assert.equal(saved.transportKekLabel, REHEARSAL_TRANSPORT_KEK_LABEL);

    const pins = readRehearsalPins(dataDir);
    const onCeremonyToken = await kekCheckValue(status, REHEARSAL_LABEL, pins.userPin);
    const other = forkHsmClient({ env: softHsmEnv(token.confPath) });
    try {
      await other.loadModule(token.modulePath);
      const onRecipient = await kekCheckValue(other, REHEARSAL_RECIPIENT_TOKEN_LABEL, new TextEncoder().encode(saved.userPin));
      assert.equal(onRecipient, onCeremonyToken, 'the same key on both tokens');
    } finally {
      await other.close();
    }
  });

  it('changes nothing the next time', async () => {
    const before = readFileSync(join(dataDir, 'rehearsal-token', REHEARSAL_RECIPIENT_FILE), 'utf8');
    const again = await ensureRehearsalRecipient({ dataDir, modulePath: token.modulePath, openHsm });
    assert.equal(again.created, false);
    assert.equal(readFileSync(again.pinsFile, 'utf8'), before);
    const client = forkHsmClient({ env: softHsmEnv(token.confPath) });
    try {
      await client.loadModule(token.modulePath);
      const recipients = (await client.listTokens()).filter((t) => t.token?.label === REHEARSAL_RECIPIENT_TOKEN_LABEL);
      assert.equal(recipients.length, 1, 'no second recipient token');
    } finally {
      await client.close();
    }
  });
});
