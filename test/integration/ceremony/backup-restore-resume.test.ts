// Crash-safe backup and restore: `conclave run` is killed (SIGKILL, from inside) right
// after the backup's files are all on disk but before the transcript records them, and
// right after the restored key exists on token B but before the transcript records it.
// Run again, the backup step re-checks its files against the backup record and adopts
// them (nothing is made twice, no envelope set aside); the restore step adopts the key
// it finds under its label (never a second unwrap), checks it again, and both folders verify.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AnswersInput } from '../../../main/ceremony/engine';
import { keyBackupScript, keyRestoreScript, renderScriptYaml, type CeremonyScript } from '../../../main/ceremony/script';
import type { ChainEntry, EntryOf } from '../../../main/transcript';
import { withToken, type TokenFixture } from '../../helpers/softhsm';
import { answersFor, KEY_LABEL, MemoryPins, run, team, tokenSetupScript, world, type World } from './backup-restore-fixture';
import { conclave, verifiedTranscript } from './cli-run';

function files(w: World, name: string, script: CeremonyScript, answers: AnswersInput): { script: string; answers: string } {
  const scriptFile = join(w.base, `${name}.yaml`);
  const answersFile = join(w.base, `${name}-answers.json`);
  writeFileSync(scriptFile, renderScriptYaml(script));
  writeFileSync(answersFile, JSON.stringify(answers), { mode: 0o600 });
  return { script: scriptFile, answers: answersFile };
}

function crashThenResume(token: TokenFixture, given: { script: string; answers: string }, dir: string, point: string): ChainEntry[] {
  const args = ['run', given.script, '--answers', given.answers, '--out', dir, '--module', token.modulePath];
  const crashed = conclave(args, { SOFTHSM2_CONF: token.confPath, CONCLAVE_TEST_CRASH_AFTER: point });
  assert.equal(crashed.signal, 'SIGKILL', `expected a kill at ${point}: ${crashed.stdout}\n${crashed.stderr}`);
  const resumed = conclave(args, { SOFTHSM2_CONF: token.confPath });
  assert.equal(resumed.status, 0, `resume after ${point}: ${resumed.stdout}\n${resumed.stderr}`);
  assert.equal(conclave(['verify', dir]).status, 0);
  return verifiedTranscript(dir);
}

const completed = (entries: ChainEntry[], step: string) =>
  entries.flatMap((e) => (e.entry.type === 'step-completed' && e.entry.data.step === step ? [(e.entry as EntryOf<'step-completed'>).data.result as Record<string, unknown>] : []));

test('kill -9 after the backup wrote its files, and after the restore made the key: both resume by adopting, never redoing', async (t) => {
  const w = await world(t);
  const A = await withToken(t, { spec: { label: 'Token A', soPin: 'so-pin-a-1234', userPin: 'user-pin-a-1234' } });
  const B = await withToken(t, { spec: { label: 'Token B', soPin: 'so-pin-b-5678', userPin: 'user-pin-b-5678' } });
  const setupDir = join(w.base, 'token-a-setup');
  const setup = await run(w, { dir: setupDir, token: A, script: tokenSetupScript(w, A), answers: answersFor(w, A), pins: new MemoryPins(A.spec.label, A.spec.soPin, A.spec.userPin, w.secrets) });
  assert.equal(setup.status, 'sealed', w.log.join('\n'));
  const original = setup.keys.find((k) => k.label === KEY_LABEL)!;
  // The client of this process holds a login on token A; the CLI logs in with the quorum itself.
  await A.client.logout(A.slotId);

  const backupDir = join(w.base, 'backup');
  const { rehearsalToken: _a, ...backupAnswers } = answersFor(w, A, { quorumRecord: join(setupDir, 'shares', 'quorum-record.json') });
  const backup = crashThenResume(A, files(w, 'backup', keyBackupScript({ ...team(w, 'backup-crash', A), keyLabel: KEY_LABEL }), backupAnswers), backupDir, 'backup-key:files-written');
  const backed = completed(backup, 'backup-key');
  assert.equal(backed.length, 1);
  assert.equal(backed[0]!.adopted, true);
  assert.match(String(backed[0]!.check), /files checked against the record/);
  assert.equal(backup.filter((e) => e.entry.type === 'resumed').length, 1);
  const shares = readdirSync(join(backupDir, 'backup-shares'));
  assert.equal(shares.filter((n) => n.startsWith('interrupted-')).length, 0, 'nothing was set aside: the files were adopted');
  assert.equal(shares.filter((n) => n.startsWith('conclave-backup-share-')).length, 3);
  const recorded = backup.flatMap((e) => (e.entry.type === 'file-written' ? [(e.entry as EntryOf<'file-written'>).data.path] : []));
  assert.equal(recorded.filter((p) => p === 'wrapped-key.bin').length, 1);
  const wrapped = backed[0]!.wrappedKey as { sha256: string };

  const restoreDir = join(w.base, 'restore');
  const restoreScript = keyRestoreScript({
    ...team(w, 'restore-crash', B),
    label: `${KEY_LABEL}-b`,
    type: 'ec-p256',
    role: 'sign',
    wrappedKeySha256: wrapped.sha256,
    fingerprint: original.fingerprint!.hex.replace(/ /g, ''),
  });
  const restore = crashThenResume(B, files(w, 'restore', restoreScript, answersFor(w, B, { backup: { folder: backupDir } })), restoreDir, 'restore-key:key-made');
  const keys = restore.flatMap((e) => (e.entry.type === 'key-generated' && e.entry.data.label === `${KEY_LABEL}-b` ? [(e.entry as EntryOf<'key-generated'>).data] : []));
  assert.equal(keys.length, 1, 'one key-generated for the restored key');
  assert.equal(keys[0]!.adopted, true);
  assert.equal(keys[0]!.id, original.id);
  assert.equal(keys[0]!.publicKeySpki, original.publicKeySpki);
  assert.equal(completed(restore, 'restore-key')[0]!.identityCheck, 'the restored key signed for the original public key');
});
