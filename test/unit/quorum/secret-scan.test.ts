// The scan that proves no secret reached the disk must itself be able to fail: it finds
// a secret written raw, as hex (either case) or as base64, in hidden files too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretTracker } from '../../helpers/secret-scan';

describe('secret scan', () => {
  it('finds raw, hex, HEX, base64 and base64url copies, and honours the allow list', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'conclave-scan-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const secret = Uint8Array.from([0xfb, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70]);
    const tracker = new SecretTracker();
    tracker.add('share', secret);
    tracker.add('passphrase', 'correct-Horse-77');
    const { findings: none } = tracker.scan([dir]);
    assert.deepEqual(none, []);
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', '.hidden.partial'), Buffer.concat([Buffer.from('xx'), Buffer.from(secret)]));
    writeFileSync(join(dir, 'hex.txt'), `id=${Buffer.from(secret).toString('hex').toUpperCase()}`);
    writeFileSync(join(dir, 'b64.json'), JSON.stringify({ v: Buffer.from(secret).toString('base64url') }));
    writeFileSync(join(dir, 'pass.log'), 'typed correct-Horse-77 here');
    writeFileSync(join(dir, 'allowed.json'), 'correct-Horse-77');
    const { findings, filesScanned } = tracker.scan([dir], { allow: [join(dir, 'allowed.json')] });
    assert.equal(filesScanned, 4);
    assert.deepEqual(
      findings.map((f) => `${f.file.slice(dir.length + 1)}:${f.secret}:${f.form}`).sort(),
      ['b64.json:share:base64url', 'hex.txt:share:HEX', 'nested/.hidden.partial:share:raw', 'pass.log:passphrase:raw'],
    );
  });
});
