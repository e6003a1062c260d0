// The ceremony channels' requests are strict: unknown fields, out-of-range lengths and
// malformed ids or hashes are refused before any handler sees them; so are bundle frame
// texts that are not Conclave's upper-case URs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contract } from '../../../preload/contract';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => assert.equal(schema.safeParse(value).success, true, JSON.stringify(value));
const refused = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => assert.equal(schema.safeParse(value).success, false, JSON.stringify(value));

describe('ceremony channel requests', () => {
  it('perform: a step id, optional clock confirmation and custodians, nothing else', () => {
    const perform = contract.ceremonyPerform.request;
    ok(perform, { step: 'quorum-login', custodians: [{ name: 'Custodian 1', passphrase: 'x'.repeat(20) }] });
    ok(perform, { step: 'confirm-clock', clockConfirmed: true });
    refused(perform, { step: 'confirm-clock', clockConfirmed: false });
    refused(perform, { step: 'Quorum Login' });
    refused(perform, { step: 'quorum-login', custodians: [] });
    refused(perform, { step: 'quorum-login', custodians: [{ name: 'Custodian 1', passphrase: '' }] });
    refused(perform, { step: 'quorum-login', custodians: [{ name: 'Custodian 1', passphrase: 'x'.repeat(1025) }] });
    refused(perform, { step: 'quorum-login', custodians: [{ name: 'Custodian 1', passphrase: 'x'.repeat(20), pin: '1234' }] });
    refused(perform, { step: 'quorum-login', quorumRecordPath: '' });
    refused(perform, { step: 'quorum-login', extra: true });
  });

  it('witnessSign: the reviewed hash as 64 hex digits and at least one witness with a key file', () => {
    const sign = contract.witnessSign.request;
    const witness = { name: 'Rehearsal Witness', keyFile: '/keys/w.json', passphrase: 'p'.repeat(16) };
    ok(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [witness] });
    refused(sign, { step: 'seal', reviewedHash: 'A'.repeat(64), witnesses: [witness] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(63), witnesses: [witness] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ ...witness, pin: '1' }] });
  });

  it('witnessSign: a token witness gives module, token and key labels and the PIN, never mixed with a key file', () => {
    const sign = contract.witnessSign.request;
    const token = { module: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', tokenLabel: 'Wendy Card', keyLabel: 'witness', pin: '246813' };
    ok(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token }] });
    ok(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token }, { name: 'Wes', keyFile: '/k.json', passphrase: 'p'.repeat(16) }] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token: { ...token, pin: '' } }] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token: { ...token, tokenLabel: 'x'.repeat(33) } }] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token: { ...token, pinEnv: 'WENDY_PIN' } }] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token, keyFile: '/k.json', passphrase: 'p'.repeat(16) }] });
    refused(sign, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses: [{ name: 'Wendy', token: { module: token.module, tokenLabel: 'Wendy Card', pin: '1' } }] });
  });

  it('perform and inspect: a restore names the backup folder; its preview takes a step and a folder only', () => {
    const perform = contract.ceremonyPerform.request;
    ok(perform, { step: 'restore-key', backupFolder: '/media/backup', custodians: [{ name: 'Ada', passphrase: 'x'.repeat(20), envelopePath: '/media/ada.json' }] });
    refused(perform, { step: 'restore-key', backupFolder: '' });
    const inspect = contract.ceremonyInspectBackup.request;
    ok(inspect, { step: 'restore-key', directory: '/media/backup' });
    refused(inspect, { step: 'restore-key' });
    refused(inspect, { step: 'restore-key', directory: '/media/backup', passphrase: 'x'.repeat(20) });
  });

  it('perform, media and frames of an export: a medium folder with an optional confirmation; frames are upper-case conclave-bundle URs', () => {
    const perform = contract.ceremonyPerform.request;
    ok(perform, { step: 'export-data-key', medium: { directory: '/media/officer/KEYS' } });
    ok(perform, { step: 'export-data-key', medium: { directory: '/srv/out', nonRemovableConfirmation: '/srv/out' } });
    refused(perform, { step: 'export-data-key', medium: { directory: '' } });
    refused(perform, { step: 'export-data-key', medium: { directory: '/srv/out', nonRemovableConfirmation: '' } });
    refused(perform, { step: 'export-data-key', medium: { directory: '/srv/out', confirmNonRemovable: true } });
    refused(perform, { step: 'export-data-key', medium: '/srv/out' });
    for (const channel of [contract.ceremonyListMedia, contract.ceremonyBundleFrames]) {
      ok(channel.request, { step: 'export-data-key' });
      refused(channel.request, { step: 'export-data-key', directory: '/srv/out' });
      refused(channel.request, {});
    }
    const frames = contract.ceremonyBundleFrames.response;
    const answer = { fileName: 'k-v1-for-r.bundle.json', sha256: 'a'.repeat(64), bytes: 100, staticFrame: false, texts: ['UR:CONCLAVE-BUNDLE/1-3/LPADAXCFAXHL', 'UR:CONCLAVE-BUNDLE/2-3/LPAOAXCFAXHL'] };
    ok(frames, answer);
    ok(frames, { ...answer, staticFrame: true, texts: ['UR:CONCLAVE-BUNDLE/HDCXLKAHSSKB'] });
    refused(frames, { ...answer, texts: [] });
    refused(frames, { ...answer, texts: ['ur:conclave-bundle/1-3/lpadaxcfaxhl'] });
    refused(frames, { ...answer, texts: ['UR:CRYPTO-PSBT/1-3/LPADAXCFAXHL'] });
    refused(frames, { ...answer, texts: ['<script>alert(1)</script>'] });
    refused(frames, { ...answer, sha256: 'A'.repeat(64) });
  });

  it('open, resolve and override: strict sources, resolutions and written reasons', () => {
    ok(contract.ceremonyOpen.request, { directory: '/c', source: { kind: 'template', template: 'rehearsal-root', witnessKeyFile: '/k.json' } });
    ok(contract.ceremonyOpen.request, { directory: '/c', source: { kind: 'script', path: '/s.yaml' } });
    refused(contract.ceremonyOpen.request, { directory: '/c', source: { kind: 'template', template: 'root-key', witnessKeyFile: '/k.json' } });
    refused(contract.ceremonyOpen.request, { directory: '/c', source: { kind: 'script', path: '/s.yaml', text: 'inline' } });
    ok(contract.ceremonyResolveException.request, { resolution: 'skip', justification: 'Rehearsal without it.' });
    refused(contract.ceremonyResolveException.request, { resolution: 'ignore' });
    refused(contract.ceremonyResolveException.request, { resolution: 'skip', justification: '   ' });
    ok(contract.ceremonyOverrideAirGap.request, { reason: 'Rehearsal on a networked laptop.' });
    refused(contract.ceremonyOverrideAirGap.request, { reason: 'because' });
    ok(contract.ceremonyAcknowledge.request, { step: 'seal', role: 'witness', name: 'Rehearsal Witness' });
    refused(contract.ceremonyAcknowledge.request, { step: 'seal', role: 'system', name: 'conclave' });
  });
});
