// The QR frames of a written bundle come from the file in the ceremony folder, and only
// while it is byte for byte the file the transcript's file-written entry records: the
// frames reassemble (with the import side's decoder) to exactly those bytes; a file
// changed in place, of another size, or not recorded at all is refused with its reason.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rehearsalRootScript, REHEARSAL_TRANSPORT_KEK_LABEL, type StepOf } from '../../../main/ceremony/script';
import { bundleFramesFor, bundlePathOf } from '../../../main/ceremony/session';
import { sha256Hex } from '../../../main/files/atomic-write';
import { BUNDLE_UR_TYPE, UrMessageDecoder } from '../../../main/qr';
import { BundleFramesSchema } from '../../../preload/contract';
import { buildTranscript, SYSTEM, WITNESS_FINGERPRINT, type Built } from './transcript-builder';

async function refusedWith(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as { code?: string }).code, code, (error as Error).message);
    return (error as Error).message;
  }
  assert.fail(`expected ${code}`);
}

describe('bundle frames', () => {
  let built: Built;
  let step: StepOf<'export-bundle'>;
  let rel: string;
  const bytes = new Uint8Array(randomBytes(2400));

  before(async () => {
    built = await buildTranscript(rehearsalRootScript({ witnessFingerprint: WITNESS_FINGERPRINT, bundleTransportKek: REHEARSAL_TRANSPORT_KEK_LABEL }));
    step = built.script.steps.find((s) => s.action === 'export-bundle') as StepOf<'export-bundle'>;
    rel = bundlePathOf(built.script, step);
  });
  after(() => built.cleanup());

  it('names the bundle as the export step does', () => {
    assert.equal(rel, 'bundles/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json');
  });

  it('refuses before the transcript records the bundle', async () => {
    mkdirSync(join(built.dir, 'bundles'), { recursive: true });
    writeFileSync(join(built.dir, rel), bytes);
    const message = await refusedWith(bundleFramesFor(built.dir, built.script, step, built.entries()), 'BUNDLE_NOT_WRITTEN');
    assert.match(message, /export-data-key/);
  });

  it('gives frames that reassemble to exactly the recorded file', async () => {
    await built.start(step.id);
    await built.append('file-written', SYSTEM, { path: rel, purpose: 'key bundle', sha256: sha256Hex(bytes), bytes: bytes.length });
    const frames = BundleFramesSchema.parse(await bundleFramesFor(built.dir, built.script, step, built.entries()));
    assert.equal(frames.sha256, sha256Hex(bytes));
    assert.equal(frames.bytes, bytes.length);
    assert.equal(frames.fileName, 'rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json');
    assert.equal(frames.staticFrame, false);
    assert.ok(frames.texts.length > 1);
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    // Every other frame only: a receiver that misses frames still gets the bundle.
    for (let i = 0; i < frames.texts.length * 4 && !decoder.progress().complete; i += 2) decoder.receive(frames.texts[i % frames.texts.length]!);
    assert.equal(decoder.progress().complete, true);
    assert.deepEqual(decoder.bytes(), bytes);
  });

  it('refuses a file changed in place, or of another size, naming both hashes', async () => {
    const changed = Uint8Array.from(bytes);
    changed[100] = (changed[100]! + 1) % 256;
    writeFileSync(join(built.dir, rel), changed);
    const message = await refusedWith(bundleFramesFor(built.dir, built.script, step, built.entries()), 'BUNDLE_CHANGED');
    assert.ok(message.includes(sha256Hex(changed)) && message.includes(sha256Hex(bytes)));
    writeFileSync(join(built.dir, rel), bytes.subarray(1));
    assert.match(await refusedWith(bundleFramesFor(built.dir, built.script, step, built.entries()), 'BUNDLE_CHANGED'), /2399 bytes/);
    writeFileSync(join(built.dir, rel), bytes);
  });

  it('shows one static code for a small bundle', async () => {
    const small = new Uint8Array(randomBytes(200));
    writeFileSync(join(built.dir, rel), small);
    await built.append('file-written', SYSTEM, { path: rel, purpose: 'key bundle, written again', sha256: sha256Hex(small), bytes: small.length });
    const frames = await bundleFramesFor(built.dir, built.script, step, built.entries());
    assert.equal(frames.staticFrame, true);
    assert.equal(frames.texts.length, 1);
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    decoder.receive(frames.texts[0]!);
    assert.deepEqual(decoder.bytes(), small);
  });
});
