// Built-in templates: each returns a script that parseScript accepts unchanged (as YAML
// and as JSON), with the steps the issue asks for; bad options are refused like a bad file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { REHEARSAL_LABEL } from '../../../main/hsm/rehearsal-token';
import {
  keyBackupScript,
  keyRestoreScript,
  parseScript,
  quorumSetupScript,
  REHEARSAL_TOKEN_LABEL,
  rehearsalRootScript,
  renderScriptYaml,
  rootKeyGenerationScript,
  scriptHash,
  scriptKeys,
  scriptOutputs,
  type CeremonyScript,
  type TemplateOptions,
} from '../../../main/ceremony/script/index';
import { FP_A, FP_B, toJson } from './fixtures';

function team(overrides: Partial<TemplateOptions> = {}): TemplateOptions {
  return {
    ceremonyId: 'c-2025',
    participants: {
      administrator: { name: 'Ada' },
      custodians: [{ name: 'Carol' }, { name: 'Chen' }, { name: 'Chidi' }],
      witnesses: [{ name: 'Wanda', key: { kind: 'file', fingerprint: FP_A } }],
    },
    quorum: { threshold: 2 },
    token: { label: 'ROOT HSM' },
    ...overrides,
  };
}

const actions = (s: CeremonyScript) => s.steps.map((step) => step.action);

function assertRoundTrips(script: CeremonyScript): void {
  const fromYaml = parseScript(renderScriptYaml(script), { fileName: 'template.yaml' });
  const fromJson = parseScript(toJson(script), { fileName: 'template.json' });
  assert.deepEqual(fromYaml, script);
  assert.deepEqual(fromJson, script);
  assert.equal(scriptHash(fromYaml), scriptHash(script));
  assert.equal(scriptHash(fromJson), scriptHash(script));
}

describe('templates', () => {
  test('quorum setup: envelopes, then a login that proves the quorum, then the seal', () => {
    const s = quorumSetupScript(team());
    assertRoundTrips(s);
    assert.equal(s.ceremony.kind, 'quorum-setup');
    assert.deepEqual(actions(s), ['check-room', 'confirm-clock-utc', 'record-token-facts', 'quorum-setup', 'quorum-login', 'generate-ceremony-key', 'checkpoint', 'witness-sign', 'seal']);
    const setup = s.steps.find((x) => x.action === 'quorum-setup')!;
    assert.equal(setup.irreversible, true);
    assert.deepEqual(setup.acknowledgements, [{ role: 'administrator' }, { role: 'custodians', count: 'all' }, { role: 'witnesses', count: 'all' }]);
    assert.deepEqual(scriptOutputs(s.steps).map((o) => [o.path, o.kind]), [['shares', 'folder']]);
  });

  test('root key generation: EC P-384 root, AES-256 KEK, root-public.pem, no certificate by default', () => {
    const s = rootKeyGenerationScript(team());
    assertRoundTrips(s);
    assert.deepEqual(actions(s), ['check-room', 'confirm-clock-utc', 'record-token-facts', 'quorum-login', 'generate-ceremony-key', 'generate-key', 'generate-key', 'export-public-key', 'checkpoint', 'witness-sign', 'seal']);
    assert.deepEqual(
      scriptKeys(s.steps).map((k) => [k.label, k.type, k.role, k.origin]),
      [
        ['ceremony-c-2025', 'ec-p256', 'sign', 'ceremony-key'],
        ['root-signing-key', 'ec-p384', 'sign', 'generated'],
        ['root-kek', 'aes-256', 'wrap', 'generated'],
      ],
    );
    assert.deepEqual(scriptOutputs(s.steps).map((o) => o.path), ['root-public.pem']);
    for (const step of s.steps.filter((x) => x.action === 'generate-key' || x.action === 'generate-ceremony-key')) {
      assert.equal(step.irreversible, true, step.id);
      assert.deepEqual([...step.preconditions].sort(), ['air-gap', 'clock-utc', 'hsm-present', 'quorum-logged-in']);
    }
  });

  test('root key generation with quorum setup, another key type and a certificate', () => {
    const s = rootKeyGenerationScript({
      ...team(),
      quorumSetup: true,
      rootKey: { label: 'Root 2025', type: 'rsa-4096' },
      certificate: { subject: { commonName: 'Example Root', country: 'DE' }, validityDays: 3650 },
    });
    assertRoundTrips(s);
    assert.ok(actions(s).includes('quorum-setup'));
    const cert = s.steps.find((x) => x.action === 'self-signed-certificate');
    assert.ok(cert && cert.action === 'self-signed-certificate');
    assert.deepEqual(cert.params, { label: 'Root 2025', existing: false, subject: { commonName: 'Example Root', country: 'DE' }, validityDays: 3650, file: 'root-certificate.pem' });
    assert.deepEqual(cert.preconditions, ['hsm-present', 'clock-utc', 'quorum-logged-in']);
  });

  test('key backup: an existing key wrapped under a new backup key split among the custodians', () => {
    const s = keyBackupScript({ ...team(), keyLabel: 'data-kek' });
    assertRoundTrips(s);
    const backup = s.steps.find((x) => x.action === 'backup-key');
    assert.ok(backup && backup.action === 'backup-key');
    assert.deepEqual(backup.params, { label: 'data-kek', existing: true, backupKeyLabel: 'backup-c-2025', file: 'wrapped-key.bin', sharesFolder: 'backup-shares' });
    assert.deepEqual(backup.acknowledgements, [{ role: 'administrator' }, { role: 'custodians', count: 'all' }, { role: 'witnesses', count: 'all' }]);
    assert.ok(!actions(s).includes('quorum-setup'), 'the token already has its quorum');
  });

  test('key restore onto another token: its own quorum first, then the restore', () => {
    const s = keyRestoreScript({ ...team(), label: 'data-kek', type: 'aes-256', role: 'wrap', wrappedKeySha256: FP_B });
    assertRoundTrips(s);
    assert.deepEqual(actions(s).slice(3, 7), ['quorum-setup', 'quorum-login', 'generate-ceremony-key', 'restore-key']);
    const restore = s.steps.find((x) => x.action === 'restore-key')!;
    assert.equal(restore.irreversible, true);
    const onInitialized = keyRestoreScript({ ...team(), label: 'k', type: 'ec-p256', role: 'sign', quorumSetup: false });
    assertRoundTrips(onInitialized);
    assert.ok(!actions(onInitialized).includes('quorum-setup'));
  });

  test('rehearsal: 3-of-5 quorum setup, root key generation, one file-key witness, seal', () => {
    const s = rehearsalRootScript({ witnessFingerprint: FP_A });
    assertRoundTrips(s);
    assert.equal(s.ceremony.rehearsal, true);
    assert.equal(s.quorum.threshold, 3);
    assert.equal(s.participants.custodians.length, 5);
    assert.deepEqual(s.participants.witnesses, [{ name: 'Rehearsal Witness', key: { kind: 'file', fingerprint: FP_A } }]);
    assert.equal(s.token.label, REHEARSAL_LABEL);
    assert.equal(REHEARSAL_TOKEN_LABEL, REHEARSAL_LABEL);
    assert.deepEqual(actions(s).slice(0, 6), ['check-room', 'confirm-clock-utc', 'record-token-facts', 'quorum-setup', 'quorum-login', 'generate-ceremony-key']);
    assert.equal(s.steps.at(-1)!.action, 'seal');
    assert.ok(actions(s).filter((a) => a === 'generate-key').length === 2);
    const withCert = rehearsalRootScript({ witnessFingerprint: FP_A, ceremonyId: 'rehearsal-20250101T000000Z', certificate: true, tokenLabel: 'REHEARSAL 2' });
    assertRoundTrips(withCert);
    assert.ok(actions(withCert).includes('self-signed-certificate'));
    assert.equal(withCert.token.label, 'REHEARSAL 2');
  });

  test('templates are deterministic and distinct', () => {
    assert.deepEqual(rootKeyGenerationScript(team()), rootKeyGenerationScript(team()));
    const hashes = new Set([quorumSetupScript(team()), rootKeyGenerationScript(team()), keyBackupScript({ ...team(), keyLabel: 'k' })].map(scriptHash));
    assert.equal(hashes.size, 3);
  });

  test('bad template options are refused with SCRIPT_INVALID naming the field', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => quorumSetupScript(team({ ceremonyId: 'has space' })), 'ceremony.id: expected a ceremony id'],
      [() => quorumSetupScript(team({ quorum: { threshold: 4 } })), 'quorum.threshold: 4 is outside 2..3'],
      [
        () =>
          rootKeyGenerationScript(
            team({
              participants: {
                administrator: { name: 'Ada' },
                custodians: [{ name: 'Carol' }, { name: 'ada' }],
                witnesses: [{ name: 'Wanda', key: { kind: 'file', fingerprint: FP_A } }],
              },
            }),
          ),
        'participants.custodians[1].name: the name "ada" is already used by participants.administrator.name',
      ],
      [() => keyBackupScript({ ...team(), keyLabel: 'k', backupKeyLabel: 'k' }), 'steps[5].params.backupKeyLabel: the backup key needs a label of its own'],
      [() => keyRestoreScript({ ...team(), label: 'k', type: 'ec-p384', role: 'wrap' }), 'steps[6].params.role: an EC P-384 key pair can have the role sign or wrap-only-export'],
    ];
    for (const [make, expected] of cases) {
      assert.throws(make, (e: unknown) => {
        assert.ok(DomainError.is(e) && e.code === 'SCRIPT_INVALID', String(e));
        assert.ok(e.message.includes(expected), `${expected}\nin\n${e.message}`);
        return true;
      });
    }
  });
});
