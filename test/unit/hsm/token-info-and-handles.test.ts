// Raw CK_*_INFO structures → facts; handle references; module candidates; SoftHSM2 config.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decimalToUlongBuffer, formatObjectHandle, parseObjectHandle, ulongBufferToDecimal } from '../../../native/hsm/handles';
import { listModuleCandidates, softHsmModulePath } from '../../../native/hsm/module-candidates';
import { countOrNull, decodeTokenFlags, slotFacts, tokenFacts, trimPadded } from '../../../native/hsm/token-info';
import { softHsmConfigText, softHsmEnv, writeSoftHsmConfig } from '../../../native/softhsm/softhsm-config';
import { defaultWorkerScript, packageRoot } from '../../../main/hsm/worker-script';

describe('token info', () => {
  it('trims blank and NUL padding, and reads CK_UNAVAILABLE_INFORMATION as null', () => {
    assert.equal(trimPadded('SoftHSM project                 '), 'SoftHSM project');
    assert.equal(trimPadded('label\0\0\0'), 'label');
    assert.equal(countOrNull(0xffffffffffffffffn), null);
    assert.equal(countOrNull(0xffffffff), null);
    assert.equal(countOrNull(12345n), 12345);
    assert.equal(countOrNull(0), 0);
    assert.equal(countOrNull(-1), null);
    assert.equal(countOrNull('12'), null);
  });

  it('decodes every token flag that matters', () => {
    const all = decodeTokenFlags(0xfff_ffff);
    assert.ok(Object.values(all).every((v) => v === true));
    const none = decodeTokenFlags(0);
    assert.ok(Object.values(none).every((v) => v === false));
    const softhsm = decodeTokenFlags(0x1042d);
    assert.deepEqual(
      [softhsm.hasRng, softhsm.loginRequired, softhsm.userPinInitialized, softhsm.tokenInitialized, softhsm.userPinCountLow, softhsm.writeProtected],
      [true, true, true, true, true, false],
    );
    const so = decodeTokenFlags(0x100000 | 0x200000 | 0x400000 | 0x800000);
    assert.deepEqual([so.soPinCountLow, so.soPinFinalTry, so.soPinLocked, so.soPinToBeChanged], [true, true, true, true]);
    assert.equal(decodeTokenFlags(0x40000).userPinLocked, true);
    assert.equal(decodeTokenFlags(0x20000).userPinFinalTry, true);
    assert.equal(decodeTokenFlags(0x80000).userPinToBeChanged, true);
    assert.equal(decodeTokenFlags(0x100).protectedAuthenticationPath, true);
  });

  it('turns raw slot and token info into facts', () => {
    const token = tokenFacts({
      label: 'ROOT                            ',
      manufacturerID: 'Yubico                          ',
      model: 'YubiHSM         ',
      serialNumber: '0012345678      ',
      flags: 0x40d,
      maxSessionCount: 16,
      sessionCount: 1,
      maxPinLen: 48,
      minPinLen: 12,
      hardwareVersion: { major: 2, minor: 0 },
      firmwareVersion: { major: 2, minor: 4 },
      totalPublicMemory: 0xffffffffffffffffn,
      freePublicMemory: 0xffffffffffffffffn,
      totalPrivateMemory: 126976n,
      freePrivateMemory: 100000n,
    });
    assert.equal(token.label, 'ROOT');
    assert.equal(token.serial, '0012345678');
    assert.equal(token.firmwareVersion, '2.4');
    assert.equal(token.freePublicMemory, null);
    assert.equal(token.freePrivateMemory, 100000);
    assert.equal(token.minPinLength, 12);
    const slot = slotFacts('7', { slotDescription: 'YubiHSM Connector ', manufacturerID: 'Yubico ', flags: 0x7 }, token, null);
    assert.deepEqual([slot.tokenPresent, slot.removableDevice, slot.hardwareSlot, slot.slotDescription], [true, true, true, 'YubiHSM Connector']);
  });
});

describe('handles', () => {
  it('converts CK_ULONG buffers to decimal strings and back, beyond 2^53', () => {
    const big = '18446744073709551615';
    assert.equal(ulongBufferToDecimal(decimalToUlongBuffer(big, 8)), big);
    assert.equal(ulongBufferToDecimal(Buffer.from([3, 0x6c, 0xc4, 0x62, 0, 0, 0, 0])), String(0x62c46c03));
    assert.equal(ulongBufferToDecimal(decimalToUlongBuffer('42', 4)), '42');
    assert.throws(() => decimalToUlongBuffer('18446744073709551616', 8), /out of range/);
    assert.throws(() => decimalToUlongBuffer('-1', 8), /not a CK_ULONG/);
  });

  it('refuses references from another worker instance, and malformed ones', () => {
    const handle = formatObjectHandle('0123456789abcdef', '5', '77');
    assert.deepEqual(parseObjectHandle(handle, '0123456789abcdef'), { instance: '0123456789abcdef', slotId: '5', object: '77' });
    assert.throws(() => parseObjectHandle(handle, 'fedcba9876543210'), { code: 'HANDLE_STALE' });
    assert.throws(() => parseObjectHandle('h1.xyz.5.77', '0123456789abcdef'), { code: 'HANDLE_INVALID' });
    assert.throws(() => parseObjectHandle(42, '0123456789abcdef'), { code: 'HANDLE_INVALID' });
  });
});

describe('module candidates', () => {
  it('offers the usual paths of every vendor, several where they vary', () => {
    const candidates = listModuleCandidates(() => false);
    const paths = (vendor: string) => candidates.filter((c) => c.vendor === vendor).map((c) => c.path);
    assert.ok(paths('SoftHSM2').includes('/usr/lib/softhsm/libsofthsm2.so'));
    assert.ok(paths('SoftHSM2').includes('/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'));
    assert.ok(paths('SoftHSM2').includes('/usr/local/lib/softhsm/libsofthsm2.so'));
    assert.ok(paths('OpenSC').some((p) => p.endsWith('/opensc-pkcs11.so')));
    assert.ok(paths('YubiHSM 2').every((p) => p.endsWith('yubihsm_pkcs11.so')));
    assert.ok(paths('YubiKey PIV').some((p) => p.endsWith('libykcs11.so')));
    assert.ok(paths('Thales Luna').every((p) => p.endsWith('libCryptoki2_64.so')));
    assert.deepEqual(paths('Entrust nShield'), ['/opt/nfast/toolkits/pkcs11/libcknfast.so']);
    assert.ok(paths('AWS CloudHSM').includes('/opt/cloudhsm/lib/libcloudhsm_pkcs11.so'));
    assert.ok(candidates.every((c) => c.exists === false));
    assert.equal(new Set(candidates.map((c) => c.path)).size, candidates.length, 'no path twice');
  });

  it('finds SoftHSM2 at the first usual path that exists', () => {
    assert.equal(softHsmModulePath(() => false), null);
    assert.equal(softHsmModulePath((p) => p === '/usr/local/lib/softhsm/libsofthsm2.so'), '/usr/local/lib/softhsm/libsofthsm2.so');
  });
});

describe('SoftHSM2 configuration', () => {
  it('writes a config pointing at a private token directory', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'conclave-conf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = writeSoftHsmConfig(join(dir, 'store'));
    assert.equal(config.tokenDirectory, join(dir, 'store', 'tokens'));
    assert.equal(statSync(config.tokenDirectory).mode & 0o777, 0o700);
    const text = readFileSync(config.confPath, 'utf8');
    assert.equal(text, softHsmConfigText(config.tokenDirectory));
    assert.match(text, /^directories\.tokendir = .*\/store\/tokens$/m);
    assert.match(text, /^objectstore\.backend = file$/m);
    assert.match(text, /^log\.level = ERROR$/m);
    assert.equal(softHsmEnv(config.confPath, { PATH: '/bin' }).SOFTHSM2_CONF, config.confPath);
    assert.throws(() => softHsmConfigText('/tmp/a\nb'), /line breaks/);
  });
});

describe('worker script location', () => {
  it('finds the package root and the built worker from source', () => {
    const root = packageRoot(__dirname);
    assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name, 'conclave');
    assert.equal(defaultWorkerScript(__dirname), join(root, 'dist', 'native', 'hsm-worker.cjs'));
    assert.throws(() => packageRoot('/'), { code: 'PACKAGE_ROOT_NOT_FOUND' });
  });
});
