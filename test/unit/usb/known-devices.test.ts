import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUsbId, identifyDevice, KNOWN_DEVICES } from '../../../native/usb/known-devices';

describe('known HSM and token devices', () => {
  test('the devices the foundation issue names are recognized by id', () => {
    assert.deepEqual(identifyDevice(0x1050, 0x0030), { product: 'YubiHSM 2', kind: 'hsm' });
    assert.deepEqual(identifyDevice(0x20a0, 0x4230), { product: 'Nitrokey HSM 2', kind: 'hsm' });
    assert.equal(identifyDevice(0x04e6, 0x5816)?.kind, 'hsm');
    assert.match(identifyDevice(0x04e6, 0x5817)?.product ?? '', /SmartCard-HSM/);
    for (const pid of [0x0401, 0x0402, 0x0403, 0x0404, 0x0405, 0x0406, 0x0407, 0x0110, 0x0111, 0x0112, 0x0113, 0x0114, 0x0115, 0x0116, 0x0120]) {
      const found = identifyDevice(0x1050, pid);
      assert.equal(found?.kind, 'token', `1050:${pid.toString(16)}`);
      assert.match(found?.product ?? '', /YubiKey/);
    }
    for (const pid of [0x0600, 0x0620, 0x0514]) assert.match(identifyDevice(0x0529, pid)?.product ?? '', /eToken/);
  });

  test('devices without confirmed ids are recognized by their descriptor strings', () => {
    assert.deepEqual(identifyDevice(0xffff, 0x0001, { manufacturerName: 'SafeNet', productName: 'Luna G5 USB HSM' }), {
      product: 'Thales Luna USB HSM',
      kind: 'hsm',
    });
    assert.equal(identifyDevice(0xffff, 0x0002, { manufacturerName: 'SafeNet Inc.', productName: 'Luna PED' })?.product, 'Thales Luna PED');
    assert.equal(identifyDevice(0xffff, 0x0003, { manufacturerName: 'nCipher', productName: 'nShield Edge' })?.product, 'Entrust nShield Edge');
  });

  test('unknown devices and near misses are not named', () => {
    assert.equal(identifyDevice(0x1d6b, 0x0002, { manufacturerName: 'Linux Foundation', productName: '2.0 root hub' }), null);
    assert.equal(identifyDevice(0x1050, 0x9999), null);
    assert.equal(identifyDevice(0x046d, 0xc52b, { productName: 'Lunar mouse' }), null);
  });

  test('the table has no duplicate ids and only 16-bit values', () => {
    const ids = KNOWN_DEVICES.map((d) => formatUsbId(d.vendorId, d.productId));
    assert.equal(new Set(ids).size, ids.length);
    for (const d of KNOWN_DEVICES) {
      assert.ok(d.vendorId >= 0 && d.vendorId <= 0xffff && d.productId >= 0 && d.productId <= 0xffff);
      assert.ok(d.product.length > 0);
    }
    assert.equal(formatUsbId(0x1050, 0x30), '1050:0030');
  });
});
