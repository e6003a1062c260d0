// `conclave bundle import` as a real subprocess (the built dist/cli/conclave.cjs) between
// two real SoftHSM2 tokens: bundles exported and signed on the ceremony token, imported
// into the ops team's token through a transport KEK, an EC recipient key, and from QR
// frame images; an AWS KMS bundle handed out as files. The imported keys are checked with
// independent oracles (pkcs11-tool for the attributes, the key check value or a signature
// verified with the original public key for usability); every refusal leaves the token
// unchanged and writes no record; the PIN is found in no file.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { ImportRecordSchema, type ImportRecord } from '../../../main/bundle/import';
import { forkHsmClient } from '../../../main/hsm/hsm-client';
import { writeQrFolder } from '../../../main/qr';
import { run } from '../../../main/cli/run';
import type { CliRuntime } from '../../../main/cli/runtime';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { SecretTracker } from '../../helpers/secret-scan';
import { openssl, type Cleanup } from '../../helpers/softhsm';
import { toolOn } from '../bundle-wrap/two-tokens';
import { RECIPIENT, exportBundle, importWorld, importedKey, objectLines, sameAesKey, type ExportedBundle, type ImportWorld } from '../bundle-import/fixture';
import { conclave, ensureBuilt } from './softhsm-fixture';
import { vectorKey } from '../../unit/bundle-format/fixtures';

const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let world: ImportWorld;
let records: string;
const secrets = new SecretTracker();
const outputs: string[] = [];

before(async () => {
  ensureBuilt();
  world = await importWorld(suite);
  records = join(world.work, 'records');
  secrets.add('the recipient token user PIN', RECIPIENT.userPin);
  secrets.add('the recipient token SO PIN', RECIPIENT.soPin);
});

const env = () => ({ ...world.fixture.env, OPS_PIN: RECIPIENT.userPin });
const importArgs = (bundle: string, ...extra: string[]) => [
  'bundle', 'import', bundle, '--root', world.rootPem, '--root-fingerprint', world.rootFingerprint,
  '--module', world.fixture.modulePath, '--token', RECIPIENT.label, '--pin-env', 'OPS_PIN', '--records', records, ...extra,
];
function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = conclave(args, { ...env(), ...extraEnv }, world.work);
  outputs.push(r.stdout, r.stderr);
  return r;
}
const recordFiles = () => (existsSync(records) ? readdirSync(records).filter((n) => n.endsWith('.import.json')) : []);
function onlyNewRecord(before: string[]): ImportRecord {
  const added = recordFiles().filter((n) => !before.includes(n));
  assert.equal(added.length, 1, `one new record, found ${added.join(', ')}`);
  return ImportRecordSchema.parse(JSON.parse(readFileSync(join(records, added[0]!), 'utf8')));
}

/** pkcs11-tool's view of an object on the recipient token: sensitive, and not extractable. */
function assertProtectedByTool(label: string, type: 'secrkey' | 'privkey'): void {
  const listing = toolOn(world.fixture, RECIPIENT, ['--list-objects', '--type', type, '--label', label]);
  const access = /Access:\s*([^\n]*)/u.exec(listing)?.[1] ?? '';
  assert.match(access, /\bsensitive\b/u, listing);
  assert.doesNotMatch(access.replace(/never extractable/gu, ''), /extractable/u, listing);
}

describe('conclave bundle import into an HSM', () => {
  let kekBundle: ExportedBundle;

  test('a transport-KEK bundle: verified, imported non-extractable and usable, record written', async () => {
    kekBundle = await exportBundle(world, { label: 'payments-kek-2026', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    const before = recordFiles();
    const r = cli(importArgs(kekBundle.path));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^VERIFIED {2}key bundle "payments-kek-2026" for Payments Ops\n/);
    assert.ok(r.stdout.includes(world.rootFingerprint.match(/.{4}/g)!.join(' ')), r.stdout);
    assert.match(r.stdout, /The root key matches the fingerprint given with --root-fingerprint/);
    assert.match(r.stdout, /IMPORTED {2}"payments-kek-2026" \(id [0-9a-f]+\) into the token "Recipient"/);
    // CKA_NEVER_EXTRACTABLE is false for any unwrapped key (PKCS#11: it came from outside); CKA_EXTRACTABLE is what protects it.
    assert.match(r.stdout, /sensitive yes, extractable no, never extractable no/);

    const imported = await importedKey(world, 'payments-kek-2026');
    const a = imported.attributes;
    assert.deepEqual([a.class, a.keyType, a.token, a.private, a.sensitive, a.extractable, a.id], ['secret', 'aes', true, true, true, false, kekBundle.manifest.key.id]);
    assert.ok(await sameAesKey(world, kekBundle, imported.handle), 'the imported key is the exported one (key check values agree)');
    assertProtectedByTool('payments-kek-2026', 'secrkey');

    const record = onlyNewRecord(before);
    assert.equal(record.bundle.sha256, createHash('sha256').update(kekBundle.bytes).digest('hex'));
    assert.deepEqual(record.bundle.origin, { kind: 'file', path: kekBundle.path });
    assert.equal(record.root.fingerprint, world.rootFingerprint);
    assert.equal(record.root.confirmation, 'fingerprint-given');
    assert.equal(record.tool.via, 'command-line');
    assert.equal(record.manifest.key.label, 'payments-kek-2026');
    assert.equal(record.manifest.wrapMethod, 'transport-kek-kwp');
    assert.equal(record.outcome.kind, 'token');
    if (record.outcome.kind !== 'token') return;
    const token = (await world.client.listTokens()).find((t) => t.slotId === world.b)!.token!;
    assert.deepEqual(record.outcome.token, { slotId: world.b, label: 'Recipient', manufacturer: token.manufacturer, model: token.model, serial: token.serial, firmwareVersion: token.firmwareVersion });
    assert.equal(record.outcome.module.path, world.fixture.modulePath);
    assert.deepEqual([record.outcome.key.label, record.outcome.key.attributes.sensitive, record.outcome.key.attributes.extractable], ['payments-kek-2026', true, false]);
    assert.ok(r.stdout.includes(join(records, recordFiles().find((n) => !before.includes(n))!)));
  });

  test('the same bundle again: the label is taken; under another label the key id is already there; nothing changes', async () => {
    const objects = await objectLines(world, world.b);
    const before = recordFiles();
    const again = cli(importArgs(kekBundle.path));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /NOT IMPORTED \(IMPORT_LABEL_EXISTS\)/);
    assert.match(again.stderr, /already holds an object labelled "payments-kek-2026"/);
    const relabelled = cli(importArgs(kekBundle.path, '--label', 'payments-kek-copy'));
    assert.equal(relabelled.status, 1);
    assert.match(relabelled.stderr, /IMPORT_KEY_ALREADY_PRESENT/);
    assert.deepEqual(await objectLines(world, world.b), objects);
    assert.deepEqual(recordFiles(), before);
  });

  test('an EC recipient: an EC P-384 signing key, imported, signs for the original public key', async () => {
    const bundle = await exportBundle(world, { label: 'issuing-ca-2026', algorithm: 'ec-p384', usage: 'sign', recipient: 'ec' });
    const before = recordFiles();
    const r = cli(importArgs(bundle.path, '--label', 'issuing-ca-2026-ops'));
    assert.equal(r.status, 0, r.stderr);
    const imported = await importedKey(world, 'issuing-ca-2026-ops');
    assert.deepEqual([imported.attributes.class, imported.attributes.curve, imported.attributes.sensitive, imported.attributes.extractable, imported.attributes.sign], ['private', 'ec-p384', true, false, true]);
    assertProtectedByTool('issuing-ca-2026-ops', 'privkey');
    const data = new TextEncoder().encode('signed by the imported key on the ops token');
    const signature = await world.client.sign({ key: imported.handle, mechanism: 'ecdsa-sha384', data });
    const original = (await world.client.exportPublicKey(bundle.key.publicKey!.handle)).pem;
    assert.ok(nodeVerify('sha384', data, createPublicKey(original), ecdsaRawToDer(signature)), 'the original public key verifies the imported key\'s signature');
    const record = onlyNewRecord(before);
    assert.equal(record.manifest.key.publicKeyFingerprint, bundle.manifest.key.publicKeyFingerprint);
    assert.equal(record.outcome.kind === 'token' && record.outcome.key.label, 'issuing-ca-2026-ops');
  });

  test('a rehearsal bundle is refused without --allow-rehearsal and imported with it', async () => {
    const bundle = await exportBundle(world, { label: 'rehearsal-dek', algorithm: 'aes-256', usage: 'encrypt', recipient: 'transport-kek', rehearsal: true });
    const objects = await objectLines(world, world.b);
    const before = recordFiles();
    const refused = cli(importArgs(bundle.path));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /NOT VALID \(BUNDLE_REHEARSAL\)/);
    assert.match(refused.stderr, /REHEARSAL bundle/);
    assert.deepEqual(await objectLines(world, world.b), objects);
    assert.deepEqual(recordFiles(), before);

    const allowed = cli(importArgs(bundle.path, '--allow-rehearsal'));
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /\(REHEARSAL\)/);
    const record = onlyNewRecord(before);
    assert.deepEqual([record.manifest.rehearsal, record.rehearsalAllowed], [true, true]);
    assert.equal((await importedKey(world, 'rehearsal-dek')).attributes.encrypt, true);
  });

  test('refusals before anything is touched: wrong root, wrong fingerprint, tampered bundle, wrong PIN, no terminal', async () => {
    const bundle = await exportBundle(world, { label: 'never-imported', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    const tampered = Buffer.from(bundle.bytes);
    const at = tampered.indexOf('"wrappedKey":"') + 20;
    tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
    const tamperedPath = join(world.work, 'tampered.bundle.json');
    writeFileSync(tamperedPath, tampered);
    const objects = await objectLines(world, world.b);
    const before = recordFiles();
    const withRoot = (root: string, fingerprint: string) => importArgs(bundle.path).map((arg, i, all) => (all[i - 1] === '--root' ? root : all[i - 1] === '--root-fingerprint' ? fingerprint : arg));

    const otherRoot = vectorKey('other-p256');
    const wrongRoot = cli(withRoot(otherRoot.pemPath, createHash('sha256').update(otherRoot.spki).digest('hex')));
    assert.equal(wrongRoot.status, 1);
    assert.match(wrongRoot.stderr, /NOT VALID \(BUNDLE_WRONG_ISSUER\)/);

    const wrongFingerprint = cli(withRoot(world.rootPem, createHash('sha256').update('another key').digest('hex')));
    assert.equal(wrongFingerprint.status, 1);
    assert.match(wrongFingerprint.stderr, /IMPORT_ROOT_FINGERPRINT_MISMATCH/);
    assert.equal(wrongFingerprint.stdout, '', 'nothing about the bundle is shown before the root key is confirmed');

    const changed = cli(importArgs(tamperedPath));
    assert.equal(changed.status, 1);
    assert.match(changed.stderr, /NOT VALID \(BUNDLE_SIGNATURE_INVALID\)/);
    assert.match(changed.stderr, /does not verify with the root key/);

    const wrongPin = cli(importArgs(bundle.path), { OPS_PIN: 'not-the-pin-4711' });
    secrets.add('the wrong PIN', 'not-the-pin-4711');
    assert.equal(wrongPin.status, 1);
    assert.match(wrongPin.stderr, /NOT IMPORTED \(PIN_INCORRECT(_COUNT_LOW)?\)/);
    assert.match(wrongPin.stderr, /never retries a PIN/);

    const noTerminal = cli(importArgs(bundle.path).filter((arg, i, all) => arg !== '--root-fingerprint' && all[i - 1] !== '--root-fingerprint'));
    assert.equal(noTerminal.status, 2);
    assert.match(noTerminal.stderr, /must be confirmed, and standard input is not a terminal/);
    assert.ok(noTerminal.stderr.includes(world.rootFingerprint), 'says which fingerprint to compare');

    const noPin = cli(importArgs(bundle.path).filter((arg, i, all) => arg !== '--pin-env' && all[i - 1] !== '--pin-env'));
    assert.equal(noPin.status, 2);
    assert.match(noPin.stderr, /No user PIN: standard input is not a terminal/);

    const unwritable = join(world.work, 'records-is-a-file');
    writeFileSync(unwritable, 'not a folder');
    const badRecords = cli(importArgs(bundle.path).map((arg, i, all) => (all[i - 1] === '--records' ? unwritable : arg)));
    assert.equal(badRecords.status, 1);
    assert.match(badRecords.stderr, /IMPORT_RECORDS_UNWRITABLE/);

    assert.deepEqual(await objectLines(world, world.b), objects, 'no refusal created anything on the token');
    assert.deepEqual(recordFiles(), before, 'no refusal wrote a record');
    const token = (await world.client.listTokens()).find((t) => t.slotId === world.b)!;
    assert.equal(token.state === 'user-pin-locked', false, 'the wrong PIN was tried once, not until the token locked');
  });

  test('from QR frame images: a folder of frame PNGs, and a selection of the frames', async () => {
    const bundle = await exportBundle(world, { label: 'qr-carried-dek', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    const qrDir = join(world.work, 'qr-frames');
    const written = await writeQrFolder(qrDir, bundle.bytes);
    assert.ok(written.frames.texts.length > 1, 'the bundle travels as an animated code');
    const before = recordFiles();
    const r = cli(['bundle', 'import', '--qr', qrDir, ...importArgs(bundle.path).slice(3)]);
    assert.equal(r.status, 0, r.stderr);
    const imported = await importedKey(world, 'qr-carried-dek');
    assert.ok(await sameAesKey(world, bundle, imported.handle));
    const record = onlyNewRecord(before);
    assert.equal(record.bundle.sha256, createHash('sha256').update(bundle.bytes).digest('hex'));
    assert.equal(record.bundle.origin.kind, 'qr-images');
    if (record.bundle.origin.kind === 'qr-images') assert.equal(record.bundle.origin.images.length, written.frames.texts.length);

    // A frame of another bundle among them: refused, named, nothing imported.
    const other = await exportBundle(world, { label: 'qr-other', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    const otherDir = join(world.work, 'qr-other');
    await writeQrFolder(otherDir, other.bytes);
    const frames = readdirSync(qrDir).filter((n) => n.endsWith('.png')).map((n) => join(qrDir, n));
    const mixed = cli(['bundle', 'import', '--qr', ...frames, join(otherDir, 'frame-001.png'), ...importArgs(other.path).slice(3), '--label', 'qr-mixed']);
    assert.equal(mixed.status, 1);
    assert.match(mixed.stderr, /of another message/);
    assert.deepEqual((await world.client.findObjects({ slotId: world.b, label: 'qr-mixed' })).length, 0);
  });

  test('asks at the terminal: "yes" to the root words, then the PIN without echo', async () => {
    const bundle = await exportBundle(world, { label: 'terminal-confirmed', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    const prompts: string[] = [];
    const out: string[] = [];
    const runtime = (answer: string): CliRuntime => ({
      env: { ...world.fixture.env },
      cwd: world.work,
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      width: 100,
      version: 'test',
      hsm: (e) => forkHsmClient({ env: e }),
      createStatusService: () => {
        throw new Error('not used');
      },
      listModuleCandidates: () => [],
      promptLine: async (p) => {
        prompts.push(p);
        return answer;
      },
      promptSecret: async (p) => {
        prompts.push(p);
        return RECIPIENT.userPin;
      },
    });
    const args = ['bundle', 'import', bundle.path, '--root', world.rootPem, '--module', world.fixture.modulePath, '--token', RECIPIENT.label, '--records', records];
    const objects = await objectLines(world, world.b);
    assert.equal(await run(args, runtime('no')), 1);
    assert.equal(prompts.length, 1, 'no PIN is asked for once the root key is not confirmed');
    assert.ok(prompts[0]!.includes((await readWords()).join(' ')), prompts[0]);
    assert.deepEqual(await objectLines(world, world.b), objects);

    prompts.length = 0;
    const before = recordFiles();
    assert.equal(await run(args, runtime('yes')), 0, out.join(''));
    assert.equal(prompts.length, 2);
    assert.equal(prompts[1], 'User PIN for the token "Recipient": ');
    assert.equal(onlyNewRecord(before).root.confirmation, 'confirmed-at-terminal');
    outputs.push(out.join(''));
  });

  async function readWords(): Promise<string[]> {
    const { readPinnedRoot } = await import('../../../main/bundle/import');
    return (await readPinnedRoot(world.rootPem, world.work)).words;
  }
});

describe('conclave bundle import for AWS KMS', () => {
  test('writes EncryptedKeyMaterial.bin, ImportToken.bin and the command; never overwrites; the record names the files', async () => {
    const bundle = await exportBundle(world, { label: 'kms-dek-2026', algorithm: 'aes-256', usage: 'encrypt', recipient: 'aws-kms' });
    const out = join(world.work, 'kms-out');
    const before = recordFiles();
    const args = ['bundle', 'import', bundle.path, '--root', world.rootPem, '--root-fingerprint', world.rootFingerprint, '--kms-out', out, '--records', records];
    const r = cli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['EncryptedKeyMaterial.bin', 'ImportToken.bin', 'import-key-material.txt']);
    const material = readFileSync(join(out, 'EncryptedKeyMaterial.bin'));
    assert.equal(material.toString('base64'), bundle.manifest.wrap.wrappedKey);
    assert.equal(readFileSync(join(out, 'ImportToken.bin')).toString('base64'), bundle.manifest.recipient.awsKms!.importToken);
    const command = readFileSync(join(out, 'import-key-material.txt'), 'utf8');
    assert.match(command, /aws kms import-key-material \\\n {2}--key-id 1234abcd-12ab-34cd-56ef-1234567890ab \\\n {2}--encrypted-key-material fileb:\/\/EncryptedKeyMaterial\.bin \\\n {2}--import-token fileb:\/\/ImportToken\.bin/);

    // What KMS does with it: OAEP-SHA-256 (openssl) then RFC 5649 gives the key's value.
    const oaep = join(world.work, 'kms-oaep.bin');
    const ephemeral = join(world.work, 'kms-ephemeral.bin');
    writeFileSync(oaep, material.subarray(0, 384));
    openssl(['pkeyutl', '-decrypt', '-inkey', world.kmsPrivatePem, '-in', oaep, '-out', ephemeral, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
    assert.equal(aeskwp(new Uint8Array(readFileSync(ephemeral))).decrypt(material.subarray(384)).length, 32);

    const record = onlyNewRecord(before);
    assert.equal(record.outcome.kind, 'aws-kms');
    if (record.outcome.kind !== 'aws-kms') return;
    for (const file of record.outcome.files) assert.equal(file.sha256, createHash('sha256').update(readFileSync(join(out, file.name))).digest('hex'), file.name);
    assert.deepEqual([record.outcome.wrappingAlgorithm, record.outcome.kmsKeyId], ['RSA_AES_KEY_WRAP_SHA_256', '1234abcd-12ab-34cd-56ef-1234567890ab']);

    const again = cli(args);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /FILE_EXISTS/);
    assert.equal(recordFiles().length, before.length + 1, 'a refused hand-out writes no record');

    const intoHsm = cli(importArgs(bundle.path));
    assert.equal(intoHsm.status, 1);
    assert.match(intoHsm.stderr, /AWS KMS recipient .* cannot be unwrapped into an HSM/);
  });
});

describe('no secret on disk or in the output', () => {
  test('the PINs appear in no record, bundle, KMS file or output', () => {
    mkdirSync(records, { recursive: true });
    const { findings, filesScanned } = secrets.scan([world.work]);
    assert.ok(filesScanned > 5, `scanned ${filesScanned} files`);
    assert.deepEqual(findings, []);
    for (const text of outputs) {
      assert.ok(!text.includes(RECIPIENT.userPin), 'the PIN is never printed');
      assert.ok(!text.includes('not-the-pin-4711'));
    }
  });
});
