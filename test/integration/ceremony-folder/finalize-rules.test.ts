// Finalizing and verifying beyond the happy path, with real sealed ceremonies (SoftHSM2
// ceremony key, Ed25519 witness key file): a rehearsal folder's leftovers are neither
// covered nor a failure; an unsealed transcript gets no report; a ceremony that broke its
// script's policy is reported and fails verification at the step; no PIN or passphrase
// reaches any file of the folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { finalizeCeremonyFolder, verifyCeremonyFolder } from '../../../main/ceremony/folder/index';
import { buildSealedCeremony } from '../../helpers/ceremony-fixture';
import { SecretTracker } from '../../helpers/secret-scan';
import { rejectsWithCode } from '../../helpers/softhsm';

test('a rehearsal folder: REHEARSAL marked, leftovers neither covered nor failures, no secret in the covered files', async (t) => {
  const fixture = await buildSealedCeremony(t, { ceremonyId: 'rehearsal-unit', rehearsal: true });
  writeFileSync(join(fixture.dir, 'rehearsal-answers.json'), JSON.stringify({ userPin: fixture.userPin, witnessPassphrase: fixture.witnessPassphrase }));
  mkdirSync(join(fixture.dir, 'rehearsal-token'));
  writeFileSync(join(fixture.dir, 'rehearsal-token', 'softhsm2.conf'), 'directories.tokendir = ./tokens\n');
  const result = await finalizeCeremonyFolder(fixture.dir);
  assert.equal(result.policyProblems, 0);

  const sums = readFileSync(join(fixture.dir, 'SHA256SUMS'), 'utf8');
  assert.doesNotMatch(sums, /rehearsal-answers|rehearsal-token/);
  assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: fixture.dir, encoding: 'utf8' }), /transcript\.jsonl: OK/);
  const html = readFileSync(join(fixture.dir, 'report.html'), 'utf8');
  assert.match(html, /<div class="rehearsal">REHEARSAL/);
  assert.match(html, /deliberately not covered by SHA256SUMS/);

  // The answers file changes when someone inspects the token; the folder still verifies.
  writeFileSync(join(fixture.dir, 'rehearsal-answers.json'), '{"inspected":true}');
  const verdict = await verifyCeremonyFolder(fixture.dir);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.firstFailure));
  assert.equal(verdict.rehearsal, true);

  const secrets = new SecretTracker();
  secrets.add('user PIN', fixture.userPin);
  secrets.add('witness passphrase', fixture.witnessPassphrase);
  const scan = secrets.scan([fixture.dir], { allow: [join(fixture.dir, 'rehearsal-answers.json'), join(fixture.dir, 'rehearsal-token', 'softhsm2.conf')] });
  assert.ok(scan.filesScanned >= 5);
  assert.deepEqual(scan.findings, []);
});

test('an unsealed transcript gets no report, and the verifier says it was not finished', async (t) => {
  const fixture = await buildSealedCeremony(t, { ceremonyId: 'unsealed-unit', stopBeforeSeal: true });
  const error = await rejectsWithCode(finalizeCeremonyFolder(fixture.dir), 'CEREMONY_FOLDER_NOT_FINALIZABLE');
  assert.match(error.message, /without a sealed entry/);
  const verdict = await verifyCeremonyFolder(fixture.dir);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.checks.find((c) => !c.ok)!.name, 'seal');
  assert.match(verdict.firstFailure!.reason, /not finished/);
});

test('a signed ceremony that broke its policy: the report says so and verify names the step', async (t) => {
  const fixture = await buildSealedCeremony(t, { ceremonyId: 'policy-unit', omitWitnessAcknowledgement: 'root' });
  const result = await finalizeCeremonyFolder(fixture.dir);
  assert.equal(result.policyProblems, 1);
  assert.match(readFileSync(join(fixture.dir, 'report.html'), 'utf8'), /did NOT follow its script/);
  const verdict = await verifyCeremonyFolder(fixture.dir);
  assert.equal(verdict.ok, false);
  const failing = verdict.checks.filter((c) => !c.ok).map((c) => c.name);
  assert.deepEqual(failing, ['policy'], 'only the policy fails: signatures and files hold');
  assert.equal(verdict.firstFailure!.entryType, 'step-completed');
  assert.match(verdict.firstFailure!.reason, /step "root" was done with 0 of the 1 witnesses' acknowledgements it requires \(not acknowledged: Wanda Okafor\)/);
});
