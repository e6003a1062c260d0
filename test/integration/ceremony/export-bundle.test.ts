// The export-bundle step in real (non-rehearsal) ceremonies on SoftHSM2, one ceremony per
// recipient kind: RSA and EC public keys and a transport KEK on the ops team's token beside
// the ceremony token, and an AWS KMS wrapping key made with openssl. Each sealed folder
// passes verifyCeremonyFolder, each bundle verifies against root-public.pem, and the built
// `conclave bundle import` puts the key into the ops token non-extractable and usable
// (checked with oracles outside the code under test: the key check value of the original's
// value learned through a known test KEK, a signature verified with the public key the
// transcript recorded, openssl and @noble/ciphers for KMS). Also: the script refusals,
// media (fixed disk refused, then confirmed), a run killed after the bundle was written
// and resumed (adopted, never wrapped twice; a foreign file at its path refused), and a
// secret scan of every folder.
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { verifyBundle, type BundleManifest } from '../../../main/bundle/format';
import { establishTransportKek } from '../../../main/bundle/wrap';
import type { AnswersInput, RunOutcome } from '../../../main/ceremony/engine';
import { verifyCeremonyFolder } from '../../../main/ceremony/folder';
import { parseScript, ScriptInvalidError } from '../../../main/ceremony/script';
import type { BundleRecipient } from '../../../main/ceremony/script/schema';
import type { BundleExport } from '../../../main/ceremony/script/templates/root-key';
import type { ChainEntry } from '../../../main/transcript';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { SecretTracker } from '../../helpers/secret-scan';
import { openssl, pin } from '../../helpers/softhsm';
import { softwareCheckValue, toolOn } from '../bundle-wrap/two-tokens';
import { conclave as builtCli, ensureBuilt } from '../cli/softhsm-fixture';
import { verifiedTranscript } from './cli-run';
import {
  answersInput,
  CEREMONY_TOKEN,
  crashedRun,
  exportScript,
  exportWorld,
  folder,
  originalValue,
  RECIPIENT_TOKEN,
  runExport,
  sha256,
  trackSecrets,
  type ExportWorld,
} from './export-bundle-fixture';

const secrets = new SecretTracker();
trackSecrets(secrets);

before(() => ensureBuilt());

type Entry = ChainEntry['entry'];

interface Exported {
  stepId: string;
  path: string;
  bytes: Uint8Array;
  manifest: BundleManifest;
  result: Record<string, unknown>;
}

interface Sealed {
  entries: Entry[];
  rootPem: string;
  rootFingerprint: string;
  bundles: Map<string, Exported>;
}

const spkiOfPem = (pem: string) => new Uint8Array(createPublicKey(pem).export({ type: 'spki', format: 'der' }));

function rawEntries(dir: string): Entry[] {
  return readFileSync(join(dir, 'transcript.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Entry);
}

const fileWrittenFor = (entries: Entry[], rel: string) => entries.filter((e) => e.type === 'file-written' && e.data.path === rel);

/**
 * What every sealed export ceremony must show: the folder verifies, every export step's
 * bundle is on disk once, recorded once with its hash, with its QR frames, and verifies
 * against the root public key the ceremony wrote, naming this ceremony and a transcript
 * head that is really in the transcript.
 */
async function checkSealed(dir: string, outcome: RunOutcome, exportSteps: string[]): Promise<Sealed> {
  const exceptions = rawEntries(dir).flatMap((e) => (e.type === 'exception-opened' ? [`${e.data.step}: ${e.data.code} ${e.data.reason}`] : []));
  assert.equal(outcome.status, 'sealed', exceptions.join('\n'));
  assert.deepEqual(exceptions, []);
  const verdict = await verifyCeremonyFolder(dir);
  assert.ok(verdict.ok, `verifyCeremonyFolder: ${JSON.stringify(verdict.firstFailure)}`);
  const chain = verifiedTranscript(dir);
  const entries = chain.map((c) => c.entry);
  const rootPem = readFileSync(join(dir, 'root-public.pem'), 'utf8');
  const rootSpki = spkiOfPem(rootPem);
  const bundles = new Map<string, Exported>();
  for (const stepId of exportSteps) {
    const completed = entries.find((e) => e.type === 'step-completed' && e.data.step === stepId);
    assert.ok(completed && completed.type === 'step-completed', `${stepId} completed`);
    const result = completed.data.result as Record<string, unknown>;
    const rel = result.file as string;
    assert.match(rel, /^bundles\/[^/]+\.bundle\.json$/);
    const path = join(dir, rel);
    const bytes = new Uint8Array(readFileSync(path));
    assert.equal(result.bundleSha256, sha256(bytes));
    const written = fileWrittenFor(entries, rel);
    assert.equal(written.length, 1, `one file-written for ${rel}`);
    assert.equal(written[0]!.type === 'file-written' && written[0]!.data.sha256, sha256(bytes));
    const qrRel = rel.replace(/^bundles\//, 'qr/').replace(/\.bundle\.json$/, '');
    const frames = readdirSync(join(dir, qrRel)).filter((n) => n.endsWith('.png'));
    assert.ok(frames.length >= 1, `QR frames of ${rel}`);
    for (const frame of frames) assert.equal(fileWrittenFor(entries, `${qrRel}/${frame}`).length, 1, `${qrRel}/${frame} is recorded`);

    const verified = verifyBundle(bytes, { rootPublicKeySpki: rootSpki, now: new Date(), allowRehearsal: false });
    const m = verified.manifest;
    assert.equal(m.ceremonyId, outcome.ceremonyId);
    assert.equal(m.rehearsal, false);
    const head = chain.find((c) => c.entry.seq === m.transcriptHead.seq);
    assert.equal(head?.hash, m.transcriptHead.hash, 'the bundle names a transcript entry that is in the transcript');
    bundles.set(stepId, { stepId, path, bytes, manifest: m, result });
  }
  return { entries, rootPem: join(dir, 'root-public.pem'), rootFingerprint: sha256(rootSpki), bundles };
}

function cliImport(world: ExportWorld, sealed: Sealed, bundle: Exported, extra: string[] = []) {
  const records = join(world.base, 'import-records');
  const args = ['bundle', 'import', bundle.path, '--root', sealed.rootPem, '--root-fingerprint', sealed.rootFingerprint, '--records', records, ...extra];
  const kms = extra.includes('--kms-out');
  const full = kms ? args : [...args, '--module', world.store.modulePath, '--token', RECIPIENT_TOKEN.label, '--pin-env', 'OPS_PIN'];
  const r = builtCli(full, { ...world.store.env, OPS_PIN: RECIPIENT_TOKEN.userPin }, world.base);
  assert.ok(!`${r.stdout}${r.stderr}`.includes(RECIPIENT_TOKEN.userPin), 'the PIN is never printed');
  return r;
}

async function importedKey(world: ExportWorld, label: string) {
  const found = await world.client.findObjects({ slotId: world.recipientSlot, label });
  assert.equal(found.length, 1, `one object labelled ${label} on the recipient token`);
  return world.client.keyAttributes(found[0]!.handle);
}

/** Imports an AES bundle and proves the imported key is the original: non-extractable, same key check value. */
async function importAes(world: ExportWorld, dir: string, sealed: Sealed, bundle: Exported, extra: string[] = []): Promise<void> {
  const r = cliImport(world, sealed, bundle, extra);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, new RegExp(`IMPORTED {2}"${bundle.manifest.key.label}"`));
  const imported = await importedKey(world, bundle.manifest.key.label);
  const a = imported.attributes;
  assert.deepEqual([a.class, a.keyType, a.token, a.sensitive, a.extractable, a.wrap, a.id], ['secret', 'aes', true, true, false, true, bundle.manifest.key.id]);
  const listing = toolOn(world.store, RECIPIENT_TOKEN, ['--list-objects', '--type', 'secrkey', '--label', bundle.manifest.key.label]);
  assert.doesNotMatch((/Access:\s*([^\n]*)/.exec(listing)?.[1] ?? '').replace(/never extractable/g, ''), /extractable/, listing);

  const value = await originalValue(world, dir, bundle.manifest.key.label);
  assert.equal((await world.client.keyCheckValue(imported.handle)).value, softwareCheckValue(value), 'the imported key is the exported one');
}

/** Imports an EC private key bundle: non-extractable, and its signature verifies with the public key the transcript recorded. */
async function importEc(world: ExportWorld, sealed: Sealed, bundle: Exported, extra: string[] = []): Promise<void> {
  const r = cliImport(world, sealed, bundle, extra);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const imported = await importedKey(world, bundle.manifest.key.label);
  const a = imported.attributes;
  assert.deepEqual([a.class, a.curve, a.sensitive, a.extractable, a.sign, a.id], ['private', 'ec-p256', true, false, true, bundle.manifest.key.id]);
  const generated = sealed.entries.find((e) => e.type === 'key-generated' && e.data.label === bundle.manifest.key.label);
  assert.ok(generated && generated.type === 'key-generated' && generated.data.publicKeySpki);
  const spki = Buffer.from(generated.data.publicKeySpki, 'base64');
  assert.equal(bundle.manifest.key.publicKeyFingerprint, sha256(spki));
  const data = new TextEncoder().encode(`signed on the ops token with ${bundle.manifest.key.label}`);
  const signature = await world.client.sign({ key: imported.handle, mechanism: 'ecdsa-sha256', data });
  assert.ok(nodeVerify('sha256', data, createPublicKey({ key: spki, format: 'der', type: 'spki' }), ecdsaRawToDer(signature)), 'the recorded public key verifies the imported key');
}

function assertNoSecrets(world: ExportWorld): void {
  const { findings, filesScanned } = secrets.scan([world.base]);
  assert.ok(filesScanned > 20, `only ${filesScanned} files scanned`);
  assert.deepEqual(findings, []);
}

const exportsFor = (recipient: BundleRecipient, withEc: boolean): BundleExport[] => [
  { id: 'dek', label: 'ops-dek', type: 'aes-256', usage: 'wrap', recipient },
  ...(withEc ? [{ id: 'signer', label: 'ops-signer', type: 'ec-p256' as const, usage: 'sign' as const, recipient, allowZeroPaddedKwp: true }] : []),
];

test('rsa recipient (OAEP-SHA-1 on SoftHSM2): an AES key and an EC private key exported, verified, imported non-extractable and usable', async (t) => {
  const world = await exportWorld(t);
  const rsa = await world.client.generateKey({ slotId: world.recipientSlot, type: 'rsa-3072', label: 'ops-rsa-recipient', role: 'wrap' });
  const publicKey = (await world.client.exportPublicKey(rsa.publicKey!.handle)).pem;
  const script = exportScript(world.witness.fingerprint, 'export-rsa', exportsFor({ kind: 'rsa', name: 'Ops RSA', publicKey }, true), { allowOaepSha1: true });
  const dir = join(world.base, 'ceremony');
  const sealed = await checkSealed(dir, await runExport(world, dir, answersInput(world), script), ['export-dek', 'export-signer']);
  const dek = sealed.bundles.get('export-dek')!;
  const signer = sealed.bundles.get('export-signer')!;
  assert.equal(dek.manifest.wrap.method, 'rsa-oaep');
  assert.equal(signer.manifest.wrap.method, 'rsa-aes-kwp');
  assert.equal(dek.manifest.recipient.keyFingerprint, sha256(spkiOfPem(publicKey)));

  const refused = cliImport(world, sealed, dek);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /OAEP_SHA1_REFUSED/);
  assert.equal((await world.client.findObjects({ slotId: world.recipientSlot, label: 'ops-dek' })).length, 0);
  await importAes(world, dir, sealed, dek, ['--accept-oaep-sha1']);
  await importEc(world, sealed, signer, ['--accept-oaep-sha1']);
  assertNoSecrets(world);
});

test('ec recipient (ECDH P-256): an AES key and an EC private key exported, verified, imported non-extractable and usable', async (t) => {
  const world = await exportWorld(t);
  const ec = await world.client.generateKey({ slotId: world.recipientSlot, type: 'ec-p256', label: 'ops-ec-recipient', role: 'derive' });
  const publicKey = (await world.client.exportPublicKey(ec.publicKey!.handle)).pem;
  const script = exportScript(world.witness.fingerprint, 'export-ec', exportsFor({ kind: 'ec', name: 'Ops EC', publicKey }, true));
  const dir = join(world.base, 'ceremony');
  const sealed = await checkSealed(dir, await runExport(world, dir, answersInput(world), script), ['export-dek', 'export-signer']);
  const dek = sealed.bundles.get('export-dek')!;
  assert.equal(dek.manifest.wrap.method, 'ecdh-aes-kwp');
  assert.equal(dek.manifest.recipient.keyFingerprint, sha256(spkiOfPem(publicKey)));
  await importAes(world, dir, sealed, dek);
  await importEc(world, sealed, sealed.bundles.get('export-signer')!);
  assertNoSecrets(world);
});

test('aws-kms recipient (RSA_AES_KEY_WRAP_SHA_256): the import writes the KMS files, and what KMS does with them gives the exported key', async (t) => {
  const world = await exportWorld(t);
  const kmsPrivate = join(world.base, 'kms-wrapping-private.pem');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', kmsPrivate]);
  const publicKey = openssl(['pkey', '-in', kmsPrivate, '-pubout']);
  const importToken = randomBytes(96).toString('base64');
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const recipient: BundleRecipient = { kind: 'aws-kms', name: 'Payments KMS', publicKey, awsKms: { wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', importToken, keyId } };
  const script = exportScript(world.witness.fingerprint, 'export-kms', [{ id: 'dek', label: 'kms-dek', type: 'aes-256', usage: 'encrypt', recipient }]);
  const dir = join(world.base, 'ceremony');
  const sealed = await checkSealed(dir, await runExport(world, dir, answersInput(world), script), ['export-dek']);
  const bundle = sealed.bundles.get('export-dek')!;
  assert.equal(bundle.manifest.wrap.method, 'rsa-aes-kwp');

  const out = join(world.base, 'kms-out');
  const r = cliImport(world, sealed, bundle, ['--kms-out', out]);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual(readdirSync(out).sort(), ['EncryptedKeyMaterial.bin', 'ImportToken.bin', 'import-key-material.txt']);
  assert.equal(readFileSync(join(out, 'ImportToken.bin')).toString('base64'), importToken);
  assert.match(readFileSync(join(out, 'import-key-material.txt'), 'utf8'), new RegExp(`--key-id ${keyId}`));

  // What KMS does: OAEP-SHA-256 of the first modulus-length bytes (openssl), RFC 5649 of the rest.
  const material = readFileSync(join(out, 'EncryptedKeyMaterial.bin'));
  const oaepPart = join(world.base, 'kms-oaep.bin');
  const ephemeral = join(world.base, 'kms-ephemeral.bin');
  writeFileSync(oaepPart, material.subarray(0, 384));
  openssl(['pkeyutl', '-decrypt', '-inkey', kmsPrivate, '-in', oaepPart, '-out', ephemeral, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
  const recovered = aeskwp(new Uint8Array(readFileSync(ephemeral))).decrypt(material.subarray(384));
  assert.equal(recovered.length, 32);
  assert.equal(Buffer.from(recovered).toString('hex'), Buffer.from(await originalValue(world, dir, 'kms-dek')).toString('hex'), 'what KMS unwraps is the exported key');
  assertNoSecrets(world);
});

test('transport-kek recipient, killed after the bundle was written: a foreign file is refused, a fixed disk needs confirmation, the bundle is adopted, imported and usable', async (t) => {
  const world = await exportWorld(t);
  // The ops token and the ceremony token agree on the transport KEK before the ceremony, as the rehearsal does.
  await world.client.login(world.ceremonySlot, 'user', pin(CEREMONY_TOKEN.userPin));
  const kek = await establishTransportKek({ hsm: world.client, slotId: world.ceremonySlot }, { hsm: world.client, slotId: world.recipientSlot }, { label: 'ops-transport-kek' });
  await world.client.logout(world.ceremonySlot);
  const script = exportScript(world.witness.fingerprint, 'export-kek', exportsFor({ kind: 'transport-kek', name: 'Ops Payments', kekLabel: kek.label }, false));
  const dir = join(world.base, 'ceremony');
  const crashed = crashedRun(world, dir, script, answersInput(world), 'export-dek');
  assert.equal(crashed.signal, 'SIGKILL', crashed.stderr);

  const rel = 'bundles/ops-dek-v1-for-Ops-Payments.bundle.json';
  const written = readFileSync(join(dir, rel));
  const atCrash = rawEntries(dir);
  assert.equal(fileWrittenFor(atCrash, rel).length, 1);
  assert.ok(!atCrash.some((e) => e.type === 'step-completed' && e.data.step === 'export-dek'), 'killed before the step completed');
  // Two copies of the interrupted folder, resumed against the same token.
  const foreignDir = join(world.base, 'resumed-with-foreign-file');
  const refusedDir = join(world.base, 'resumed-with-fixed-disk');
  cpSync(dir, foreignDir, { recursive: true });
  cpSync(dir, refusedDir, { recursive: true });

  // A file at the bundle's path that is not this step's bundle (here: one byte of it changed) is never adopted or overwritten.
  const foreign = Buffer.from(written);
  const at = foreign.indexOf('"label":"ops-dek"');
  assert.ok(at > 0);
  foreign[at + 10] = 0x4f;
  writeFileSync(join(foreignDir, rel), foreign);
  const foreignOutcome = await runExport(world, foreignDir, answersInput(world));
  assert.equal(foreignOutcome.status, 'aborted');
  const foreignEntries = rawEntries(foreignDir);
  const opened = foreignEntries.find((e) => e.type === 'exception-opened');
  assert.ok(opened && opened.type === 'exception-opened');
  assert.deepEqual([opened.data.step, opened.data.code], ['export-dek', 'FILE_EXISTS']);
  assert.match(opened.data.reason, /is not this step's bundle/);
  assert.deepEqual(readFileSync(join(foreignDir, rel)), foreign, 'the foreign file is untouched');
  assert.equal(fileWrittenFor(foreignEntries, rel).length, 1);

  // A fixed disk named without confirmation: the step fails, nothing is written there.
  const unconfirmed = folder(world, 'fixed-disk-unconfirmed');
  const refused = await runExport(world, refusedDir, answersInput(world, { media: { 'export-dek': { directory: unconfirmed } } }));
  assert.equal(refused.status, 'aborted');
  const refusedEntries = rawEntries(refusedDir);
  const mediaException = refusedEntries.find((e) => e.type === 'exception-opened');
  assert.ok(mediaException && mediaException.type === 'exception-opened');
  assert.deepEqual([mediaException.data.step, mediaException.data.code], ['export-dek', 'MEDIUM_NOT_REMOVABLE']);
  assert.deepEqual(readdirSync(unconfirmed), [], 'nothing written to the unconfirmed disk');
  assert.ok(!refusedEntries.some((e) => e.type === 'media-written'));

  // The real folder, resumed with the fixed disk confirmed by typing its folder again.
  const disk = folder(world, 'fixed-disk');
  const media: AnswersInput['media'] = { 'export-dek': { directory: disk, confirmNonRemovable: disk } };
  const sealed = await checkSealed(dir, await runExport(world, dir, answersInput(world, { media })), ['export-dek']);
  const bundle = sealed.bundles.get('export-dek')!;
  assert.deepEqual(Buffer.from(bundle.bytes), written, 'the bundle written before the crash is the one the ceremony kept');
  assert.equal(bundle.result.adopted, true);
  assert.equal(bundle.manifest.wrap.method, 'transport-kek-kwp');
  assert.equal(bundle.manifest.recipient.keyFingerprint, kek.checkValue);
  assert.equal(sealed.entries.filter((e) => e.type === 'resumed').length, 1);

  const copied = join(disk, 'ops-dek-v1-for-Ops-Payments.bundle.json');
  assert.deepEqual(readFileSync(copied), written);
  const mediaWritten = sealed.entries.filter((e) => e.type === 'media-written');
  assert.equal(mediaWritten.length, 1);
  assert.ok(mediaWritten[0]!.type === 'media-written');
  assert.deepEqual([mediaWritten[0]!.data.path, mediaWritten[0]!.data.sha256, mediaWritten[0]!.data.bytes], [copied, sha256(written), written.length]);
  assert.deepEqual(bundle.result.media, [{ path: copied, medium: mediaWritten[0]!.data.medium, sha256: sha256(written) }]);
  const typed = sealed.entries.find((e) => e.type === 'confirmation-typed' && e.data.phrase === disk);
  assert.ok(typed && typed.type === 'confirmation-typed', 'the fixed disk was confirmed');
  assert.ok(typed.data.subject.includes(disk) && /not a removable medium/.test(typed.data.subject), typed.data.subject);

  await importAes(world, dir, sealed, bundle);
  assertNoSecrets(world);
});

test('script checks: only wrap-only-export keys leave, signed by an EC root key, and an existing key states its type', () => {
  const recipient: BundleRecipient = { kind: 'transport-kek', name: 'Ops', kekLabel: 'ops-kek' };
  const base = () => JSON.parse(JSON.stringify(exportScript('ab'.repeat(32), 'script-checks', exportsFor(recipient, true)))) as { steps: Array<{ id: string; action: string; params: Record<string, unknown> }> };
  const problems = (value: unknown) => {
    try {
      parseScript(JSON.stringify(value), { fileName: 'export.json' });
    } catch (error) {
      assert.ok(error instanceof ScriptInvalidError, String(error));
      return error.problems;
    }
    return assert.fail('the script was accepted');
  };
  const indexOf = (script: ReturnType<typeof base>, id: string) => script.steps.findIndex((s) => s.id === id);

  const signRole = base();
  signRole.steps[indexOf(signRole, 'generate-signer')]!.params.role = 'sign';
  const roleProblems = problems(signRole);
  const at = `steps[${indexOf(signRole, 'export-signer')}].params.label`;
  assert.ok(roleProblems.some((p) => p.path === at && /role sign/.test(p.message) && /wrap-only-export/.test(p.message)), JSON.stringify(roleProblems));
  assert.ok(roleProblems.some((p) => p.line !== null), 'a script file is refused at the line of the problem');

  const aesSigner = base();
  aesSigner.steps[indexOf(aesSigner, 'export-dek')]!.params.signingKey = 'root-kek';
  const aesProblems = problems(aesSigner);
  assert.ok(aesProblems.some((p) => p.path === `steps[${indexOf(aesSigner, 'export-dek')}].params.signingKey` && /AES-256/.test(p.message)), JSON.stringify(aesProblems));

  const rsaSigner = base();
  const exportAt = indexOf(rsaSigner, 'export-dek');
  rsaSigner.steps.splice(exportAt, 0, { id: 'rsa-root', action: 'generate-key', params: { label: 'rsa-root', type: 'rsa-3072', role: 'sign' }, title: 'An RSA signing key' } as never);
  rsaSigner.steps[exportAt + 1]!.params.signingKey = 'rsa-root';
  const rsaProblems = problems(rsaSigner);
  assert.ok(rsaProblems.some((p) => p.path === `steps[${exportAt + 1}].params.signingKey` && /RSA-3072/.test(p.message) && /EC P-256 or P-384/.test(p.message)), JSON.stringify(rsaProblems));

  const untyped = base();
  const legacy = untyped.steps[indexOf(untyped, 'export-dek')]!;
  legacy.params.label = 'legacy-dek';
  legacy.params.existing = true;
  const untypedProblems = problems(untyped);
  assert.ok(untypedProblems.some((p) => p.path === `steps[${indexOf(untyped, 'export-dek')}].params.type` && /needs its type/.test(p.message)), JSON.stringify(untypedProblems));
  legacy.params.type = 'aes-256';
  assert.doesNotThrow(() => parseScript(JSON.stringify(untyped)), 'with its type the existing key may be exported');
});

test('the secret scan finds a planted PIN (the scan itself can fail)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-scan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'leak.txt'), Buffer.from(RECIPIENT_TOKEN.userPin).toString('base64'));
  assert.ok(secrets.scan([dir]).findings.some((f) => f.secret === 'recipient token user PIN' && f.form === 'base64'));
});
