// The entry schemas: every type has a strict data schema; the refinements that tie
// fields together (fingerprints to keys, script hash to script text) hold; nothing
// secret-looking gets through a free-form field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fingerprintOf } from '../../../main/quorum/fingerprint';
import { DATA_SCHEMAS, ENTRY_TYPES, type EntryData, type EntryType } from '../../../main/transcript/data-schemas';
import { parseData, parseEntry, TranscriptEntrySchema } from '../../../main/transcript/entry-schema';
import { isSecretFieldName } from '../../../main/transcript/fields';
import { GENESIS_PREV } from '../../../main/transcript/line';
import { ecdsaSigner, ed25519Witness, keyGeneratedData, openedData, sha256Hex, signatureData, tokenFactsData } from './fixtures';

const key = ecdsaSigner();
const carol = ed25519Witness();
const h = (c: string) => c.repeat(64);

const VALID: { [T in EntryType]: EntryData<T> } = {
  'ceremony-opened': openedData([{ name: 'Carol', fingerprint: carol.fingerprint }]),
  'room-checked': { rehearsal: false, ready: false, checks: [{ id: 'air-gap', title: 'Air gap', status: 'fail', reason: 'eth0 is up.\nUnplug it.' }] },
  'clock-confirmed': { systemTime: '2025-01-31T12:00:00.000Z', timeZone: 'Etc/UTC', utcOffsetMinutes: 0 },
  'air-gap-override': { failedChecks: ['air-gap'], reason: 'The lab switch is unpowered; the interface shows link from a dead port.' },
  'token-facts': tokenFactsData(),
  'step-started': { step: 'generate-root', index: 3, title: 'Generate the root key' },
  'step-acknowledged': { step: 'generate-root', role: 'witness', name: 'Carol' },
  'step-completed': { step: 'generate-root', result: { fingerprint: { hex: 'ab12', words: ['abandon'] }, attributes: { sensitive: true }, count: 3, none: null } },
  'exception-opened': { step: 'generate-root', code: 'TOKEN_NOT_PRESENT', reason: 'The HSM was unplugged.' },
  'exception-resolved': { exception: 4, resolution: 'skip', justification: 'Optional certificate; done next week.', by: { role: 'administrator', name: 'Alice' } },
  'confirmation-typed': { step: 'generate-root', subject: 'generate the root key', phrase: 'GENERATE ROOT' },
  'quorum-established': { purpose: 'login', policyId: h('a'), policySummary: '3 of 5', custodians: [{ name: 'Bob', group: null }], recordSha256: null },
  'key-generated': keyGeneratedData(key.spki),
  'media-written': { path: '/media/BACKUP-1/root-public.pem', medium: 'USB stick "BACKUP-1"', sha256: h('c'), bytes: 178 },
  'file-written': { path: 'shares/bob.envelope.json', purpose: 'share envelope of Bob', sha256: h('d'), bytes: 1024 },
  checkpoint: { upTo: 11, hash: h('1') },
  signature: signatureData(key, { entry: { seq: 12, ceremonyId: 'c-1' }, hash: h('2') }),
  seal: { upTo: 30, hash: h('3') },
  sealed: { seal: 31, sealHash: h('4'), signatures: [32, 33] },
  resumed: { lastSeq: 17, lastHash: h('5'), resumeAt: 'generate-root', findings: { adoptedKeys: [{ label: 'root', id: '01' }], tokenPresent: true } },
  'torn-entry-cut': { line: 19, bytes: 211, sha256: h('6'), reason: 'no-newline' },
};

function problem<T extends EntryType>(type: T, data: unknown): string {
  const result = parseData(type, data);
  assert.equal(result.ok, false, `${type} should be refused`);
  return result.ok ? '' : result.problem;
}

describe('entry data schemas', () => {
  test('the test table covers every entry type', () => {
    assert.deepEqual(Object.keys(VALID).sort(), [...ENTRY_TYPES].sort());
    assert.equal(ENTRY_TYPES.length, 21);
  });

  for (const type of ENTRY_TYPES) {
    test(`${type}: valid data is accepted and an unknown field is refused`, () => {
      const ok = parseData(type, VALID[type]);
      assert.ok(ok.ok, ok.ok ? '' : ok.problem);
      assert.deepEqual(ok.data, VALID[type], 'parsing keeps the data as it is');
      assert.match(problem(type, { ...VALID[type], comment: 'x' }), /Unrecognized key: "comment"/);
      assert.ok(DATA_SCHEMAS[type]);
    });
  }

  test('fingerprint words must spell the hex', () => {
    const data = keyGeneratedData(key.spki);
    const words = [...data.fingerprint!.words];
    words[0] = words[0] === 'abandon' ? 'ability' : 'abandon';
    assert.match(problem('key-generated', { ...data, fingerprint: { ...data.fingerprint, words } }), /the words do not spell the hex digest/);
  });

  test('a key fingerprint must be the SHA-256 of the recorded public key', () => {
    const other = fingerprintOf(ecdsaSigner().spki);
    assert.match(problem('key-generated', { ...keyGeneratedData(key.spki), fingerprint: other }), /data\.fingerprint\.hex: the public key hashes to/);
  });

  test('a secret key has no public key; a ceremony-signing key is EC P-256', () => {
    assert.match(problem('key-generated', { ...keyGeneratedData(key.spki), algorithm: 'aes-256' }), /a secret key has no public key/);
    assert.match(problem('key-generated', { ...keyGeneratedData(key.spki), algorithm: 'ec-p384' }), /ceremony signing key is an EC P-256 key/);
    const aes = { ...keyGeneratedData(key.spki), purpose: 'key-encryption', algorithm: 'aes-256' as const, hsmRole: 'wrap' as const, publicKeySpki: null, fingerprint: null };
    assert.ok(parseData('key-generated', aes).ok);
  });

  test('the script text must hash to the recorded script hash', () => {
    const data = openedData([]);
    assert.match(problem('ceremony-opened', { ...data, script: { ...data.script, text: `${data.script.text}# edited\n` } }), /the script text hashes to/);
    const fixed = `${data.script.text}# edited\n`;
    assert.ok(parseData('ceremony-opened', { ...data, script: { ...data.script, text: fixed, sha256: sha256Hex(fixed) } }).ok);
  });

  test('participants are unique per role and include an administrator', () => {
    const data = openedData([]);
    assert.match(problem('ceremony-opened', { ...data, participants: [...data.participants, { role: 'custodian', name: 'bob' }] }), /custodian "bob" is listed twice/);
    assert.match(problem('ceremony-opened', { ...data, participants: data.participants.filter((p) => p.role !== 'administrator') }), /no administrator is listed/);
    assert.match(problem('ceremony-opened', { ...data, participants: [...data.participants, { role: 'witness', name: 'Zed' }] }), /keyFingerprint/);
  });

  test('file-written paths stay inside the ceremony folder', () => {
    for (const path of ['/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a\\b']) {
      assert.ok(!parseData('file-written', { ...VALID['file-written'], path }).ok, path);
    }
  });

  test('times, hashes and base64 are canonical', () => {
    assert.match(problem('clock-confirmed', { ...VALID['clock-confirmed'], systemTime: '2025-02-30T12:00:00.000Z' }), /not a real calendar time/);
    assert.match(problem('clock-confirmed', { ...VALID['clock-confirmed'], systemTime: '2025-01-31T12:00:00Z' }), /with milliseconds/);
    assert.match(problem('checkpoint', { upTo: 1, hash: h('A') }), /lower-case hex/);
    assert.match(problem('checkpoint', { upTo: 1.5, hash: h('a') }), /upTo/);
    // An Ed25519 signature is 64 bytes, so its base64 always ends with "==".
    const sig = signatureData(carol, { entry: { seq: 12, ceremonyId: 'c-1' }, hash: h('2') });
    assert.ok(parseData('signature', sig).ok);
    assert.match(sig.signature, /==$/);
    assert.match(problem('signature', { ...sig, signature: sig.signature.replace(/=+$/, '') }), /canonical base64/);
    assert.match(problem('signature', { ...sig, signature: `${sig.signature.slice(0, -3)}B==` }), /canonical base64/);
  });

  test('names and reasons have no control characters or surrounding spaces', () => {
    assert.ok(!parseData('step-acknowledged', { step: 'a', role: 'custodian', name: ' Bob' }).ok);
    assert.ok(!parseData('step-acknowledged', { step: 'a', role: 'custodian', name: 'Bob\u0007' }).ok);
    assert.ok(!parseData('exception-opened', { step: null, code: null, reason: '   ' }).ok);
    assert.ok(parseData('exception-opened', { step: null, code: null, reason: 'line one\n\tline two' }).ok);
  });

  test('secret-bearing field names are refused at any depth of a free-form object, in any spelling', () => {
    for (const name of ['pin', 'userPin', 'so_pin', 'SO-PIN', 'Passphrase', 'password', 'secret', 'share', 'privateKey', 'private_key_pem', 'seed', 'mnemonic', 'answers']) {
      assert.ok(isSecretFieldName(name), name);
      assert.match(problem('step-completed', { step: 'a', result: { deep: [{ [name]: 'x' }] } }), /may hold a secret/, name);
    }
    for (const name of ['pinPolicy', 'shares', 'shareCount', 'secretDigests', 'fingerprint', 'label']) assert.equal(isSecretFieldName(name), false, name);
    assert.match(problem('resumed', { ...VALID.resumed, findings: { ratio: 0.5 } }), /only whole numbers/);
  });

  test('the envelope is strict and discriminated by type', () => {
    const entry = { v: 1, seq: 0, prev: GENESIS_PREV, at: '2025-01-31T12:00:00.000Z', ceremonyId: 'c-1', type: 'checkpoint', actor: { role: 'system', name: 'Conclave' }, data: VALID.checkpoint };
    assert.ok(TranscriptEntrySchema.safeParse(entry).success);
    assert.ok(parseEntry(entry).ok);
    assert.ok(!TranscriptEntrySchema.safeParse({ ...entry, extra: 1 }).success);
    assert.ok(!TranscriptEntrySchema.safeParse({ ...entry, type: 'seal', data: VALID.sealed }).success);
    assert.ok(!TranscriptEntrySchema.safeParse({ ...entry, ceremonyId: 'has space' }).success);
    assert.ok(!TranscriptEntrySchema.safeParse({ ...entry, actor: { role: 'system', name: 'Conclave', pin: '1234' } }).success);
  });
});
