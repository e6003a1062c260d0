// Loading a PKCS#11 module, listing slots, tokens, flags and mechanisms, against the
// real SoftHSM2 module in a fresh token directory per test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TokenFactsSchema } from '../../../preload/contract';
import { listModuleCandidates } from '../../../native/hsm/module-candidates';
import { clientFor, initTokenWithUtil, makeSoftHsm, rejectsWithCode, requireSoftHsm, withToken } from '../../helpers/softhsm';

describe('PKCS#11 module loading', () => {
  it('loads SoftHSM2 and reports C_GetInfo facts', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx, t);
    assert.equal(client.module, null);
    const info = await client.loadModule(fx.modulePath);
    assert.equal(info.path, fx.modulePath);
    assert.equal(info.manufacturer, 'SoftHSM');
    assert.equal(info.libraryDescription, 'Implementation of PKCS11');
    assert.match(info.cryptokiVersion, /^2\.\d+$/);
    assert.match(info.libraryVersion, /^2\.\d+$/);
    assert.deepEqual(client.module, info);
  });

  it('refuses a path where no module exists, with a clear error', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx, t);
    const error = await rejectsWithCode(client.loadModule('/nonexistent/libnothing.so'), 'MODULE_NOT_FOUND');
    assert.match(error.message, /no PKCS#11 module at \/nonexistent\/libnothing\.so/);
    assert.match(error.action, /softhsm2 package/);
    assert.equal(client.module, null);
  });

  it('refuses a file that is not a shared library', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx, t);
    const notAModule = join(fx.directory, 'not-a-module.so');
    writeFileSync(notAModule, 'plain text, not ELF');
    const error = await rejectsWithCode(client.loadModule(notAModule), 'MODULE_LOAD_FAILED');
    assert.match(error.message, /could not be loaded as a PKCS#11 module/);
  });

  it('refuses a relative path', async (t) => {
    const client = clientFor(makeSoftHsm(t), t);
    await rejectsWithCode(client.loadModule('libsofthsm2.so'), 'MODULE_PATH_INVALID');
  });

  it('reports a module that fails C_Initialize (SoftHSM2 with a missing configuration)', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor({ ...fx, env: { ...fx.env, SOFTHSM2_CONF: join(fx.directory, 'missing.conf') } }, t);
    const error = await rejectsWithCode(client.loadModule(fx.modulePath), 'MODULE_INIT_FAILED');
    assert.match(error.message, /failed to start \(CKR_/);
    assert.match(error.action, /SOFTHSM2_CONF/);
  });

  it('answers calls made before any module is loaded with MODULE_NOT_LOADED', async (t) => {
    const client = clientFor(makeSoftHsm(t), t);
    await rejectsWithCode(client.listTokens(), 'MODULE_NOT_LOADED');
  });

  it('lists the known module paths, marking the SoftHSM2 module on this machine as present', () => {
    const candidates = listModuleCandidates();
    const vendors = new Set(candidates.map((c) => c.vendor));
    for (const v of ['SoftHSM2', 'OpenSC', 'YubiHSM 2', 'YubiKey PIV', 'Thales Luna', 'Entrust nShield', 'AWS CloudHSM']) {
      assert.ok(vendors.has(v), `${v} is offered`);
    }
    const soft = candidates.find((c) => c.path === requireSoftHsm());
    assert.equal(soft?.exists, true);
    assert.equal(soft?.vendor, 'SoftHSM2');
  });
});

describe('slots, tokens and flags', () => {
  it('lists a fresh store as one present, uninitialized token', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx, t);
    await client.loadModule(fx.modulePath);
    const tokens = await client.listTokens();
    assert.equal(tokens.length, 1);
    const [slot] = tokens;
    assert.ok(slot);
    TokenFactsSchema.parse(slot);
    assert.equal(slot.tokenPresent, true);
    assert.equal(slot.state, 'uninitialized');
    assert.equal(slot.token?.flags.tokenInitialized, false);
    assert.match(slot.stateDetail, /not initialized/);
  });

  it('reports an initialized token with its facts, flags and unavailable memory as null', async (t) => {
    const fx = await withToken(t);
    const tokens = await fx.client.listTokens();
    // SoftHSM2 always keeps one more free slot after the initialized ones.
    assert.equal(tokens.length, 2);
    const token = tokens.find((x) => x.slotId === fx.slotId);
    assert.ok(token?.token);
    TokenFactsSchema.parse(token);
    assert.equal(token.state, 'ready');
    assert.equal(token.token.label, fx.spec.label);
    assert.equal(token.token.manufacturer, 'SoftHSM project');
    assert.equal(token.token.model, 'SoftHSM v2');
    assert.match(token.token.serial, /^[0-9a-f]{16}$/);
    assert.match(token.token.firmwareVersion, /^\d+\.\d+$/);
    assert.deepEqual(token.token.flags, {
      tokenInitialized: true,
      loginRequired: true,
      userPinInitialized: true,
      userPinCountLow: false,
      userPinFinalTry: false,
      userPinLocked: false,
      userPinToBeChanged: false,
      soPinCountLow: false,
      soPinFinalTry: false,
      soPinLocked: false,
      soPinToBeChanged: false,
      protectedAuthenticationPath: false,
      hasRng: true,
      writeProtected: false,
    });
    // SoftHSM2 reports CK_UNAVAILABLE_INFORMATION for memory.
    assert.equal(token.token.freePublicMemory, null);
    assert.equal(token.token.totalPrivateMemory, null);

    // Cross-check with softhsm2-util, an independent reader of the same store.
    const shown = execFileSync('softhsm2-util', ['--show-slots'], { env: fx.env, encoding: 'utf8' });
    assert.match(shown, new RegExp(`Serial number:\\s+${token.token.serial}`));
    assert.match(shown, new RegExp(`Label:\\s+${fx.spec.label}`));
    assert.match(shown, new RegExp(`Slot ${token.slotId}\\b`));

    const slots = await fx.client.listSlots();
    const raw = slots.find((s) => s.slotId === fx.slotId);
    assert.equal(raw?.token?.minPinLength, 4);
    assert.equal(raw?.token?.maxPinLength, 255);
    assert.equal(raw?.tokenError, null);
  });

  it('lists the mechanisms with names, including the ones pkcs11js has no constant for', async (t) => {
    const fx = await withToken(t);
    const mechanisms = await fx.client.mechanisms(fx.slotId);
    const byName = new Map(mechanisms.map((m) => [m.name, m.value]));
    assert.equal(byName.get('CKM_AES_KEY_WRAP_PAD'), 0x210a);
    assert.equal(byName.get('CKM_EC_EDWARDS_KEY_PAIR_GEN'), 0x1055);
    assert.equal(byName.get('CKM_EDDSA'), 0x1057);
    assert.equal(byName.get('CKM_RSA_PKCS_OAEP'), 0x9);
    assert.ok(mechanisms.every((m) => Object.keys(m).sort().join() === 'name,value'), 'HsmPort mechanisms carry exactly name and value');
    assert.ok(mechanisms.every((m) => !m.name.startsWith('CKM_0x')), 'every SoftHSM2 mechanism has a name');

    const details = await fx.client.mechanismDetails(fx.slotId);
    const eddsa = details.find((m) => m.name === 'CKM_EDDSA');
    assert.ok(eddsa?.flags.includes('sign') && eddsa.flags.includes('verify'));
    const kwp = details.find((m) => m.name === 'CKM_AES_KEY_WRAP_PAD');
    assert.ok(kwp?.flags.includes('wrap') && kwp.flags.includes('unwrap'));

    // Cross-check the count with OpenSC's pkcs11-tool.
    const listed = execFileSync('pkcs11-tool', ['--module', fx.modulePath, '--slot', fx.slotId, '--list-mechanisms'], {
      env: fx.env,
      encoding: 'utf8',
    });
    const toolCount = listed.split('\n').filter((line) => /^\s+\S/.test(line)).length;
    assert.equal(mechanisms.length, toolCount);
  });

  it('refuses an unknown slot with a clear error', async (t) => {
    const fx = await withToken(t);
    await rejectsWithCode(fx.client.mechanisms('987654321'), 'SLOT_NOT_FOUND');
  });

  it('sees a token that another tool initialized in the free slot', async (t) => {
    const fx = makeSoftHsm(t);
    initTokenWithUtil(fx, { label: 'First', soPin: 'so-pin-first', userPin: 'user-pin-first' });
    const client = clientFor(fx, t);
    await client.loadModule(fx.modulePath);
    const labels = (await client.listTokens()).map((x) => x.token?.label);
    assert.ok(labels.includes('First'));
  });
});
