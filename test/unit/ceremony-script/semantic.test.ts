// The rules beyond the schema, each refused at the right path: unique ids and names,
// distinct witness keys, key labels (defined before use, never reused), one seal last,
// quorum login before steps that need it, outputs never repeated, the policy valid.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseScript } from '../../../main/ceremony/script/index';
import { clone, FP_A, hasProblem, lineOf, minimalScript, toYaml, yamlProblems } from './fixtures';

type Script = ReturnType<typeof minimalScript>;

function mutated(change: (s: Script) => void): Script {
  const s = clone(minimalScript());
  change(s);
  return s;
}

const insertBefore = (s: Script, id: string, ...steps: Array<Record<string, unknown>>) => {
  const at = s.steps.findIndex((x: { id: string }) => x.id === id);
  assert.ok(at >= 0, id);
  s.steps.splice(at, 0, ...steps);
};

describe('semantic rules', () => {
  test('the minimal script is valid', () => {
    assert.equal(parseScript(toYaml(minimalScript())).steps.length, 11);
  });

  test('step ids are unique, without regard to letter case', () => {
    const s = mutated((x) => (x.steps[2].id = 'ROOM'));
    const text = toYaml(s);
    hasProblem(yamlProblems(s), 'steps[2].id', 'the step id "ROOM" is already used by steps[0] ("room"); step ids must be unique (letter case does not count)', lineOf(text, 'id: ROOM'));
  });

  test('participant names are unique across roles', () => {
    hasProblem(yamlProblems(mutated((x) => (x.participants.custodians[1].name = 'CAROL'))), 'participants.custodians[1].name', /^the name "CAROL" is already used by participants.custodians\[0\].name/);
    hasProblem(yamlProblems(mutated((x) => (x.participants.witnesses[0].name = 'Ada'))), 'participants.witnesses[0].name', /^the name "Ada" is already used by participants.administrator.name; every participant needs a distinct name/);
  });

  test('witnesses have distinct keys', () => {
    const s = mutated((x) => (x.participants.witnesses[1].key.fingerprint = FP_A));
    hasProblem(yamlProblems(s), 'participants.witnesses[1].key.fingerprint', 'the same key fingerprint as participants.witnesses[0] (Wanda); each witness signs with their own key');
  });

  test('the quorum policy must hold for the custodians', () => {
    hasProblem(yamlProblems(mutated((x) => (x.quorum.threshold = 4))), 'quorum.threshold', '4 is outside 2..3');
    hasProblem(yamlProblems(mutated((x) => (x.participants.custodians[0].group = 'security'))), 'participants.custodians[0].group', /names a group but the policy has no groups/);
    const groups = mutated((x) => {
      x.participants.custodians = [{ name: 'Carol', group: 'security' }, { name: 'Chen', group: 'security' }, { name: 'Chidi', group: 'operations' }];
      x.quorum = { threshold: 3, groups: [{ name: 'security', threshold: 2 }, { name: 'operations', threshold: 1 }], groupThreshold: 2 };
    });
    assert.equal(parseScript(toYaml(groups)).quorum.groupThreshold, 2);
    const badGroups = clone(groups);
    badGroups.quorum.groups[1].name = 'ops';
    hasProblem(yamlProblems(badGroups), 'quorum.groups[1]', /the group "ops" has no custodians/);
    const lone = clone(groups);
    lone.quorum = { threshold: 1, groups: [{ name: 'security', threshold: 1 }, { name: 'operations', threshold: 1 }], groupThreshold: 1 };
    hasProblem(yamlProblems(lone), 'quorum.threshold', /expected a whole number at least 2/);
  });

  test('a seal step comes last, once', () => {
    hasProblem(yamlProblems(mutated((x) => x.steps.pop())), 'steps', 'the last step must be a seal step; there is none');
    const early = mutated((x) => x.steps.push({ id: 'after', title: 'After', action: 'note', params: { text: 'too late' } }));
    hasProblem(yamlProblems(early), 'steps[10].action', 'a seal step must be the last step; this is step 11 of 12');
    const twice = mutated((x) => insertBefore(x, 'checkpoint', { id: 'seal-0', title: 'Seal', action: 'seal' }));
    hasProblem(yamlProblems(twice), 'steps[8].action', 'a seal step must be the last step; this is step 9 of 12');
  });

  test('one ceremony key, before anything it signs', () => {
    const none = mutated((x) => x.steps.splice(4, 1));
    hasProblem(yamlProblems(none), 'steps', 'every ceremony needs a generate-ceremony-key step: its key signs the checkpoints and the seal');
    const two = mutated((x) => insertBefore(x, 'checkpoint', { id: 'ck2', title: 'Another', action: 'generate-ceremony-key', params: { label: 'ck2' } }));
    hasProblem(yamlProblems(two), 'steps[8].action', 'a ceremony has one ceremony key, and steps[4] ("ceremony-key") already generates it');
    const late = mutated((x) => insertBefore(x, 'ceremony-key', { id: 'cp0', title: 'Early checkpoint', action: 'checkpoint' }));
    hasProblem(yamlProblems(late), 'steps[4].action', 'a checkpoint is signed by the ceremony key, which steps[5] ("ceremony-key") generates later; move this step after it');
  });

  test('steps that need the quorum logged in come after a quorum-login step', () => {
    const s = mutated((x) => x.steps.splice(3, 1));
    const problems = yamlProblems(s);
    hasProblem(problems, 'steps[3].preconditions[3]', 'quorum-logged-in needs a quorum-login step before this one, and none comes before step 4');
    hasProblem(problems, 'steps[6].preconditions[1]', 'quorum-logged-in needs a quorum-login step before this one, and none comes before step 7');
    const late = mutated((x) => {
      const [login] = x.steps.splice(3, 1);
      insertBefore(x, 'checkpoint', login);
    });
    hasProblem(yamlProblems(late), 'steps[3].preconditions[3]', /^quorum-logged-in needs a quorum-login step before this one/);
  });

  test('clock-utc needs the administrator to have confirmed the clock before', () => {
    const s = mutated((x) => x.steps.splice(1, 1));
    hasProblem(yamlProblems(s), 'steps[2].preconditions[2]', 'clock-utc needs a confirm-clock-utc step before this one, and none comes before step 3');
  });

  test('preconditions include what the action requires, each once', () => {
    const missing = mutated((x) => (x.steps[5].preconditions = ['hsm-present', 'air-gap']));
    hasProblem(
      yamlProblems(missing),
      'steps[5].preconditions',
      'a generate-key step requires hsm-present, air-gap, clock-utc, quorum-logged-in; missing clock-utc, quorum-logged-in (leave preconditions out to get the defaults)',
    );
    const twice = mutated((x) => (x.steps[0].preconditions = ['air-gap', 'air-gap']));
    hasProblem(yamlProblems(twice), 'steps[0].preconditions[1]', 'air-gap is listed twice');
    // Adding more than the default is allowed.
    assert.ok(parseScript(toYaml(mutated((x) => (x.steps[9].preconditions = ['hsm-present'])))));
  });

  test('acknowledgements name each role once, with counts the people can meet', () => {
    const dup = mutated((x) => (x.steps[0].acknowledgements = [{ role: 'administrator' }, { role: 'administrator' }]));
    hasProblem(yamlProblems(dup), 'steps[0].acknowledgements[1].role', 'the role administrator is already listed at acknowledgements[0]');
    const many = mutated((x) => (x.steps[0].acknowledgements = [{ role: 'witnesses', count: 3 }, { role: 'custodians', count: 4 }]));
    const problems = yamlProblems(many);
    hasProblem(problems, 'steps[0].acknowledgements[0].count', 'there are only 2 witnesses; expected "all" or at most 2');
    hasProblem(problems, 'steps[0].acknowledgements[1].count', 'there are only 3 custodians; expected "all" or at most 3');
  });

  test('witnesses sign a checkpoint that exists, and no more witnesses than listed', () => {
    const s = mutated((x) => x.steps.splice(8, 1));
    hasProblem(yamlProblems(s), 'steps[8].action', 'witnesses sign the latest checkpoint, and no checkpoint step comes before this one; add one');
    const signers = mutated((x) => (x.steps[10].params = { signers: 3 }));
    hasProblem(yamlProblems(signers), 'steps[10].params.signers', 'there are only 2 witnesses; expected "all" or at most 2');
  });

  test('a key used by a step is generated by an earlier step, or marked existing', () => {
    const unknown = mutated((x) => (x.steps[7].params.label = 'rooot'));
    hasProblem(
      yamlProblems(unknown),
      'steps[7].params.label',
      'no earlier step generates a key labelled "rooot"; generate it first, or set existing: true if it is already on the token',
    );
    assert.ok(parseScript(toYaml(mutated((x) => (x.steps[7].params = { label: 'old-root', existing: true, file: 'old-root.pem' })))));
    const before = mutated((x) => {
      const [exp] = x.steps.splice(7, 1);
      x.steps.splice(5, 0, exp);
    });
    hasProblem(yamlProblems(before), 'steps[5].params.label', 'the key "root" is generated later, by steps[6] ("root"); move this step after it');
    const notExisting = mutated((x) => (x.steps[7].params.existing = true));
    hasProblem(yamlProblems(notExisting), 'steps[7].params.existing', 'the key "root" is generated by steps[5] ("root") in this script, so it is not an existing key; remove existing: true');
  });

  test('a key label is never reused', () => {
    const twice = mutated((x) => (x.steps[6].params.label = 'root'));
    hasProblem(yamlProblems(twice), 'steps[6].params.label', 'the key label "root" is already used by steps[5] ("root"); a label is never reused, choose another');
    const ceremonyKey = mutated((x) => (x.steps[5].params.label = 'ceremony-root-2025'));
    hasProblem(yamlProblems(ceremonyKey), 'steps[5].params.label', /^the key label "ceremony-root-2025" is already used by steps\[4\] \("ceremony-key"\)/);
    const backup = mutated((x) =>
      insertBefore(x, 'checkpoint', { id: 'backup', title: 'Backup', action: 'backup-key', params: { label: 'old', existing: true, backupKeyLabel: 'kek', file: 'old.wrapped' } }),
    );
    hasProblem(yamlProblems(backup), 'steps[8].params.backupKeyLabel', /^the key label "kek" is already used by steps\[6\] \("kek"\)/);
  });

  test('keys fit the step that uses them', () => {
    hasProblem(yamlProblems(mutated((x) => (x.steps[5].params.role = 'wrap'))), 'steps[5].params.role', 'an EC P-384 key pair can have the role sign or wrap-only-export; found wrap');
    const exportAes = mutated((x) => (x.steps[7].params.label = 'kek'));
    hasProblem(yamlProblems(exportAes), 'steps[7].params.label', 'the key "kek" (steps[6] ("kek")) is an AES-256 key, which has no public key to export');
    const certificate = (label: string) =>
      mutated((x) => insertBefore(x, 'checkpoint', { id: 'cert', title: 'Certificate', action: 'self-signed-certificate', params: { label, subject: { commonName: 'Root' }, validityDays: 365, file: 'root.crt' } }));
    assert.ok(parseScript(toYaml(certificate('root'))));
    hasProblem(yamlProblems(certificate('kek')), 'steps[8].params.label', /is an AES-256 key, which cannot sign a certificate$/);
    const wrapRsa = mutated((x) => {
      x.steps[5].params = { label: 'root', type: 'rsa-3072', role: 'wrap' };
      insertBefore(x, 'checkpoint', { id: 'cert', title: 'Certificate', action: 'self-signed-certificate', params: { label: 'root', subject: { commonName: 'Root' }, validityDays: 365, file: 'root.crt' } });
    });
    hasProblem(yamlProblems(wrapRsa), 'steps[8].params.label', 'the key "root" (steps[5] ("root")) is an RSA-3072 key pair with the role wrap; a certificate needs a key with the role sign');
    const backupSigning = mutated((x) =>
      insertBefore(x, 'checkpoint', { id: 'backup', title: 'Backup', action: 'backup-key', params: { label: 'root', backupKeyLabel: 'bk', file: 'root.wrapped' } }),
    );
    hasProblem(yamlProblems(backupSigning), 'steps[8].params.label', /with the role sign, which never leaves the token; only keys generated with the role wrap-only-export can be backed up$/);
    const exportable = mutated((x) => {
      x.steps[5].params.role = 'wrap-only-export';
      x.steps.splice(7, 1);
      insertBefore(x, 'checkpoint', { id: 'backup', title: 'Backup', action: 'backup-key', params: { label: 'root', backupKeyLabel: 'bk', file: 'root.wrapped' } });
    });
    assert.ok(parseScript(toYaml(exportable)));
  });

  test('no output is written twice, into another output, or over what Conclave writes', () => {
    const extraExport = (file: string) => mutated((x) => insertBefore(x, 'checkpoint', { id: 'again', title: 'Again', action: 'export-public-key', params: { label: 'root', file } }));
    hasProblem(yamlProblems(extraExport('ROOT-PUBLIC.pem')), 'steps[8].params.file', '"ROOT-PUBLIC.pem" is already written by steps[7] ("export"); an output is never overwritten, choose another name');
    hasProblem(yamlProblems(extraExport('transcript.jsonl')), 'steps[8].params.file', 'transcript.jsonl is written by Conclave itself; choose another name');
    hasProblem(yamlProblems(extraExport('sha256sums')), 'steps[8].params.file', 'SHA256SUMS is written by Conclave itself; choose another name');
    hasProblem(yamlProblems(extraExport('bundles/root.pem')), 'steps[8].params.file', "the folder bundles/ is reserved for Conclave's own use; choose another place");
    hasProblem(yamlProblems(extraExport('root-public.pem/x.pem')), 'steps[8].params.file', '"root-public.pem" is a file written by steps[7] ("export"), so nothing can be written inside it');
    const setup = mutated((x) => {
      insertBefore(x, 'login', { id: 'setup', title: 'Setup', action: 'quorum-setup' });
      insertBefore(x, 'checkpoint', { id: 'again', title: 'Again', action: 'export-public-key', params: { label: 'root', file: 'shares/root.pem' } });
    });
    hasProblem(yamlProblems(setup), 'steps[9].params.file', '"shares/root.pem" is inside the folder "shares" that steps[3] ("setup") writes; choose a place outside it');
    const folderOverFile = mutated((x) => {
      x.steps[7].params.file = 'keys/root.pem';
      insertBefore(x, 'checkpoint', { id: 'backup', title: 'Backup', action: 'backup-key', params: { label: 'old', existing: true, backupKeyLabel: 'bk', file: 'old.wrapped', sharesFolder: 'keys' } });
    });
    hasProblem(yamlProblems(folderOverFile), 'steps[8].params.sharesFolder', 'the folder "keys" would hold "keys/root.pem", which steps[7] ("export") writes; choose a place that holds nothing else');
  });

  test('the kind of ceremony needs its defining step', () => {
    hasProblem(yamlProblems(mutated((x) => (x.ceremony.kind = 'key-backup'))), 'ceremony.kind', 'a key-backup ceremony needs a backup-key step; add one, or use the kind "custom"');
    hasProblem(yamlProblems(mutated((x) => (x.ceremony.kind = 'quorum-setup'))), 'ceremony.kind', /needs a quorum-setup step/);
    assert.ok(parseScript(toYaml(mutated((x) => (x.ceremony.kind = 'custom')))));
  });

  test('at most one quorum setup and one quorum login', () => {
    const twice = mutated((x) => insertBefore(x, 'checkpoint', { id: 'login2', title: 'Login again', action: 'quorum-login' }));
    hasProblem(yamlProblems(twice), 'steps[8].action', 'a ceremony has at most one quorum-login step, and steps[3] ("login") is one');
  });

  test('rules still run over the well-formed parts of a script with schema problems', () => {
    const s = mutated((x) => {
      x.token.label = '';
      x.steps[2].id = 'room';
      x.participants.witnesses[1].name = 'Wanda';
    });
    const problems = yamlProblems(s);
    hasProblem(problems, 'token.label', 'expected text, found empty text');
    hasProblem(problems, 'steps[2].id', /already used by steps\[0\]/);
    hasProblem(problems, 'participants.witnesses[1].name', /already used by participants.witnesses\[0\].name/);
    // A broken step suspends the order rules instead of guessing.
    const broken = mutated((x) => {
      x.steps[4].action = 'make-ceremony-key';
      x.steps[2].id = 'room';
    });
    const p2 = yamlProblems(broken);
    assert.deepEqual(p2.map((p) => p.path), ['steps[4].action']);
  });
});
