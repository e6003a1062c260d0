// The witnesses' inputs to a signing step are checked before anything is attempted: the
// kind of key the script lists, the token label it names, a module path that is a file,
// a key file of the right witness; then they become bytes for HeldInputs. Real files
// (a witness key file made by the real code), a request as the session derives it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF_ENV, kdfCost } from '../../../main/ceremony/engine';
import { checkWitnessInputs, heldWitnesses } from '../../../main/ceremony/session';
import { createWitnessKey } from '../../../main/witness';
import type { WitnessRequest, WitnessSignerInput } from '../../../preload/contract';

const TOKEN_FINGERPRINT = 'c'.repeat(64);

describe('witness inputs', () => {
  let dir: string;
  let wesKey: string;
  let strangerKey: string;
  let module: string;
  let request: WitnessRequest;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conclave-witness-inputs-'));
    const kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    const passphrase = new TextEncoder().encode('witness ledger quartz 9915 harbour');
    const wes = await createWitnessKey({ name: 'Wes', passphrase, kdf });
    const stranger = await createWitnessKey({ name: 'Stranger', passphrase, kdf });
    wesKey = join(dir, 'wes.json');
    strangerKey = join(dir, 'stranger.json');
    writeFileSync(wesKey, wes.fileText);
    writeFileSync(strangerKey, stranger.fileText);
    module = join(dir, 'libwitness-pkcs11.so');
    writeFileSync(module, 'a library');
    request = {
      step: 'seal',
      kind: 'seal',
      targetSeq: null,
      upTo: 30,
      coversHash: 'a'.repeat(64),
      reviewHash: 'a'.repeat(64),
      reviewWords: [],
      signers: [
        { name: 'Wes', keyKind: 'file', keyFingerprint: wes.fingerprintHex, tokenLabel: null, signed: false },
        { name: 'Wendy', keyKind: 'pkcs11', keyFingerprint: TOKEN_FINGERPRINT, tokenLabel: 'Wendy Card', signed: false },
      ],
      ready: true,
      blockedBy: null,
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const wes = (): WitnessSignerInput => ({ name: 'Wes', keyFile: wesKey, passphrase: 'witness ledger quartz 9915 harbour' });
  const wendysToken = (change: Partial<{ module: string; tokenLabel: string; keyLabel: string; pin: string }> = {}) => ({ module, tokenLabel: 'Wendy Card', keyLabel: 'wendy-witness', pin: '2468', ...change });
  const wendy = (change: Parameters<typeof wendysToken>[0] = {}): WitnessSignerInput => ({ name: 'Wendy', token: wendysToken(change) });
  const refused = (witnesses: WitnessSignerInput[], code: string, message?: RegExp) =>
    assert.rejects(checkWitnessInputs(request, witnesses), (e: { code?: string; message: string; action?: string }) => {
      assert.equal(e.code, code);
      if (message) assert.match(e.message, message);
      assert.ok(e.action);
      return true;
    });

  it('accepts a key-file witness and a token witness together', async () => {
    await checkWitnessInputs(request, [wendy(), wes()]);
  });

  it('refuses the kind of key the script does not list, either way round', async () => {
    await refused([wes(), { name: 'Wendy', keyFile: wesKey, passphrase: 'x'.repeat(20) }], 'WITNESS_KEY_KIND_WRONG', /own PKCS#11 token/);
    await refused([{ name: 'Wes', token: wendysToken() }, wendy()], 'WITNESS_KEY_KIND_WRONG', /key file for Wes/);
  });

  it("refuses a token label other than the script's, and a module path that is not a file", async () => {
    await refused([wes(), wendy({ tokenLabel: 'Someone Else' })], 'WITNESS_TOKEN_WRONG', /"Wendy Card" for Wendy, not "Someone Else"/);
    await refused([wes(), wendy({ module: join(dir, 'missing.so') })], 'MODULE_NOT_FOUND');
    await refused([wes(), wendy({ module: 'libwitness-pkcs11.so' })], 'PATH_NOT_ABSOLUTE');
  });

  it('refuses a missing witness, one given twice, a stranger and a key file of someone else', async () => {
    await refused([wes()], 'WITNESSES_MISSING', /Wendy has not given a key/);
    await refused([wes(), wes(), wendy()], 'WITNESS_TWICE');
    await refused([wes(), wendy(), { name: 'Mallory', keyFile: wesKey, passphrase: 'x'.repeat(20) }], 'NOT_A_SIGNING_WITNESS');
    await refused([{ ...wes(), keyFile: strangerKey } as WitnessSignerInput, wendy()], 'WITNESS_KEY_WRONG');
  });

  it('turns the secrets into bytes for the one engine call', () => {
    const held = heldWitnesses([wes(), wendy()]);
    const token = held.find((w) => w.name === 'Wendy');
    assert.ok(token && 'token' in token);
    assert.deepEqual([...token.token.pin], [...new TextEncoder().encode('2468')]);
    assert.equal(token.token.module, module);
    const file = held.find((w) => w.name === 'Wes');
    assert.ok(file && 'keyFile' in file);
    assert.equal(new TextDecoder().decode(file.passphrase), 'witness ledger quartz 9915 harbour');
  });
});
