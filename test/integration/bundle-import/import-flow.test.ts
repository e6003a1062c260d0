// The import flow in process, on real SoftHSM2 tokens, for what the command line cannot
// reach: the record failing after the unwrap (the key is destroyed again and no record
// remains), the PIN bytes overwritten whatever happens, and a token that something else
// in this process is logged in to refused rather than borrowed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importIntoToken, loadBundle, readPinnedRoot, targetByLabel, type ImportCandidate, type ImportContext } from '../../../main/bundle/import';
import { clientFor, pin, rejectsWithCode, type Cleanup } from '../../helpers/softhsm';
import { RECIPIENT, exportBundle, importWorld, objectLines, type ImportWorld } from './fixture';

const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let world: ImportWorld;
before(async () => {
  world = await importWorld(suite);
});

async function candidateFor(label: string): Promise<ImportCandidate> {
  const bundle = await exportBundle(world, { label, algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
  return { loaded: await loadBundle({ kind: 'file', path: bundle.path }, '/'), root: await readPinnedRoot(world.rootPem, '/'), allowRehearsal: false, recipient: null };
}

function context(records: string, now: () => Date = () => new Date()): ImportContext {
  return { recordsDirectory: records, operator: { user: 'test', host: 'test' }, toolVersion: 'test', via: 'command-line', confirmation: 'fingerprint-given', now };
}

describe('importIntoToken', () => {
  it('destroys the imported key again when its record cannot be written, and leaves no record', async () => {
    const hsm = clientFor(world.fixture, suite);
    await hsm.loadModule(world.fixture.modulePath);
    const token = await targetByLabel(hsm, RECIPIENT.label);
    const candidate = await candidateFor('record-fails');
    const records = join(world.work, 'records-failing');
    const before = await objectLines(world, world.b);
    // The clock fails on its second reading, which is the record's importedAt: after the unwrap.
    let readings = 0;
    const clock = () => (++readings === 1 ? new Date() : new Date(Number.NaN));
    const secret = pin(RECIPIENT.userPin);
    const error = await rejectsWithCode(importIntoToken(hsm, candidate, context(records, clock), { token, pin: secret, choices: { label: null, acceptOaepSha1: false } }), 'IMPORT_RECORD_FAILED');
    assert.match(error.message, /the key "record-fails" was deleted from the token again/);
    assert.ok(secret.every((b) => b === 0), 'the PIN bytes are overwritten');
    assert.deepEqual(await objectLines(world, world.b), before, 'nothing is left on the token');
    assert.deepEqual(existsSync(records) ? readdirSync(records) : [], [], 'no record claims the import');
    assert.equal((await hsm.sessionState(world.b)).loggedIn, null, 'logged out again');
  });

  it('refuses a token already logged in by something else in the process, and still overwrites the PIN', async () => {
    // world.client is logged in to the recipient token as user (the fixture's own session).
    const token = await targetByLabel(world.client, RECIPIENT.label);
    const candidate = await candidateFor('token-busy');
    const secret = pin(RECIPIENT.userPin);
    const before = await objectLines(world, world.b);
    await rejectsWithCode(importIntoToken(world.client, candidate, context(join(world.work, 'records-busy')), { token, pin: secret, choices: { label: null, acceptOaepSha1: false } }), 'IMPORT_TOKEN_BUSY');
    assert.ok(secret.every((b) => b === 0));
    assert.deepEqual(await objectLines(world, world.b), before);
  });

  it('overwrites the PIN after a successful import, and logs out', async () => {
    const hsm = clientFor(world.fixture, suite);
    await hsm.loadModule(world.fixture.modulePath);
    const token = await targetByLabel(hsm, RECIPIENT.label);
    const secret = pin(RECIPIENT.userPin);
    const result = await importIntoToken(hsm, await candidateFor('pin-wiped'), context(join(world.work, 'records-ok')), { token, pin: secret, choices: { label: null, acceptOaepSha1: false } });
    assert.equal(result.key.label, 'pin-wiped');
    assert.ok(secret.every((b) => b === 0));
    assert.equal((await hsm.sessionState(world.b)).loggedIn, null);
    assert.ok(existsSync(result.recordFile.path));
  });
});
