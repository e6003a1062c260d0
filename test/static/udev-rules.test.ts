import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatUsbId, identifyDevice, KNOWN_DEVICES, KNOWN_NAME_PATTERNS } from '../../native/usb/known-devices';
import { ROOT } from './source-files';

interface Match {
  key: string;
  op: string;
  value: string;
}

const RULES = readFileSync(join(ROOT, 'assets', 'udev', '70-conclave-hsm.rules'), 'utf8');

/** Parses one rule line into its KEY{attr}=="value" parts; throws on anything else. */
function parseRule(line: string): Match[] {
  const parts: Match[] = [];
  const re = /\s*([A-Z]+(?:\{[A-Za-z_]+\})?)\s*(==|!=|\+=|=|:=)\s*"([^"]*)"\s*(,|$)/y;
  let at = 0;
  while (at < line.length) {
    re.lastIndex = at;
    const m = re.exec(line);
    if (!m) throw new Error(`unparseable udev rule near: ${line.slice(at)}`);
    parts.push({ key: m[1]!, op: m[2]!, value: m[3]! });
    at = re.lastIndex;
  }
  return parts;
}

/** udev's pattern matching: fnmatch-style *, ? and [...], with "|" separating alternatives. */
function udevMatch(pattern: string, text: string): boolean {
  return pattern.split('|').some((alt) => {
    let re = '';
    for (let i = 0; i < alt.length; i++) {
      const ch = alt[i]!;
      if (ch === '*') re += '.*';
      else if (ch === '?') re += '.';
      else if (ch === '[') {
        const end = alt.indexOf(']', i + 1);
        re += alt.slice(i, end + 1);
        i = end;
      } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`, 's').test(text);
  });
}

const rules = RULES.split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map(parseRule);

const grantRules = rules.filter((r) => r.some((m) => m.key === 'TAG' && m.value === 'uaccess'));

function grants(attrs: Record<string, string>): boolean {
  return grantRules.some((rule) =>
    rule.filter((m) => m.op === '==').every((m) => {
      const attr = /^ATTRS?\{(\w+)\}$/.exec(m.key)?.[1];
      return attr !== undefined && attrs[attr] !== undefined && udevMatch(m.value, attrs[attr]);
    }),
  );
}

describe('udev rules (assets/udev/70-conclave-hsm.rules)', () => {
  it('parse, and every granting rule sets uaccess, plugdev and mode 0660', () => {
    assert.ok(grantRules.length > 0);
    for (const rule of grantRules) {
      assert.ok(rule.some((m) => m.key === 'GROUP' && m.op === '=' && m.value === 'plugdev'));
      assert.ok(rule.some((m) => m.key === 'MODE' && m.op === '=' && m.value === '0660'));
      assert.ok(rule.some((m) => m.op === '=='), 'every grant matches something');
    }
  });

  it('apply only to USB devices being added or changed', () => {
    const guards = rules.filter((r) => r.some((m) => m.key === 'GOTO'));
    const text = guards.map((r) => r.map((m) => `${m.key}${m.op}${m.value}`).join(',')).join('\n');
    assert.match(text, /ACTION!=add\|change,GOTO=conclave_hsm_end/);
    assert.match(text, /SUBSYSTEM!=usb,GOTO=conclave_hsm_end/);
    assert.match(text, /ENV\{DEVTYPE\}!=usb_device,GOTO=conclave_hsm_end/);
    assert.match(RULES, /^LABEL="conclave_hsm_end"$/m);
  });

  it('cover every device in native/usb/known-devices.ts by vendor and product id', () => {
    const missing = KNOWN_DEVICES.filter((d) => {
      const [vendor, product] = formatUsbId(d.vendorId, d.productId).split(':');
      return !grants({ idVendor: vendor!, idProduct: product! });
    }).map((d) => `${formatUsbId(d.vendorId, d.productId)} ${d.product}`);
    assert.deepEqual(missing, []);
  });

  it('cover the devices Conclave recognizes by name (Luna, nShield)', () => {
    const samples: [string, string][] = [
      ['SafeNet', 'Luna G5 HSM'],
      ['Thales', 'Luna USB HSM 7'],
      ['Chrysalis-ITS', 'LUNA PED'],
      ['SafeNet Inc.', 'Luna Backup HSM'],
      ['nCipher Corporation Ltd', 'nShield Edge'],
      ['Entrust', 'nShield Edge F3'],
    ];
    for (const pattern of KNOWN_NAME_PATTERNS) {
      const recognized = samples.filter(([manufacturerName, productName]) => identifyDevice(0xffff, 0xffff, { manufacturerName, productName })?.product === pattern.product);
      assert.ok(recognized.length > 0, `a sample string is recognized as ${pattern.product}`);
      for (const [manufacturer, product] of recognized) {
        assert.ok(grants({ idVendor: 'ffff', idProduct: 'ffff', manufacturer, product }), `${manufacturer} ${product} gets a rule`);
      }
    }
  });

  it('grant nothing to an unrelated device', () => {
    assert.equal(grants({ idVendor: '046d', idProduct: 'c52b', manufacturer: 'Logitech', product: 'USB Receiver' }), false);
    assert.equal(grants({ idVendor: '04e6', idProduct: '5410', manufacturer: 'SCM Microsystems', product: 'SCR3500 reader' }), false);
    // A product name alone is not enough for the name-matched HSMs.
    assert.equal(grants({ idVendor: 'ffff', idProduct: 'ffff', manufacturer: 'Acme Toys', product: 'Luna night light' }), false);
    assert.equal(grants({ idVendor: 'ffff', idProduct: 'ffff', manufacturer: 'Acme', product: 'nShield case' }), false);
  });
});
