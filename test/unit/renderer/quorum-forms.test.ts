// The checks the quorum screens run before sending anything: the policy draft (named
// messages per custodian and group, the policy main will accept), envelope sources, and
// the passphrase hint. Main checks everything again; these say it sooner.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPolicyDraft, hasErrors, initialDraft, type PolicyDraft } from '../../../renderer/screens/quorum/setup/policy-draft';
import { toSource } from '../../../renderer/screens/quorum/shared/envelope-source';
import { passphraseHint } from '../../../renderer/screens/quorum/shared/passphrase-hint';
import { describePolicy, parsePolicy } from '../../../main/quorum/policy';
import { checkPassphrase } from '../../../main/quorum/passphrase-policy';

const flat = (names: string[], threshold: string): PolicyDraft => ({
  mode: 'flat',
  custodians: names.map((name, i) => ({ key: i + 1, name, groupKey: null })),
  threshold,
  groups: [],
  groupThreshold: '1',
});

describe('policy draft', () => {
  it('turns a valid M of N draft into the policy main accepts, with the same summary', () => {
    const checked = checkPolicyDraft(flat([' Alice ', 'Bob', 'Carol', 'Dave', 'Erin'], '3'));
    assert.equal(hasErrors(checked.errors), false);
    assert.deepEqual(checked.policy, { threshold: 3, custodians: ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'].map((name) => ({ name })) });
    assert.equal(checked.summary, describePolicy(parsePolicy(checked.policy)));
  });

  it('names each problem: empty and duplicate names, thresholds out of range, too many custodians', () => {
    const checked = checkPolicyDraft(flat(['Alice', '', 'alice'], '4'));
    assert.equal(checked.policy, null);
    assert.match(checked.errors.custodians[2] ?? '', /Custodian 2 has no name/);
    assert.match(checked.errors.custodians[3] ?? '', /"alice" is already custodian 1/);
    assert.match(checked.errors.threshold ?? '', /4 custodians needed, but only 3/);
    assert.match(checkPolicyDraft(flat(['A', 'B'], '1')).errors.threshold ?? '', /one person/);
    assert.match(checkPolicyDraft(flat(['A', 'B'], 'two')).errors.threshold ?? '', /whole number/);
    const seventeen = checkPolicyDraft(flat(Array.from({ length: 17 }, (_, i) => `C${i + 1}`), '2'));
    assert.match(seventeen.errors.general.join(' '), /up to 16 custodians; there are 17/);
    assert.equal(seventeen.policy, null);
    assert.match(checkPolicyDraft(flat(['Solo'], '2')).errors.general.join(' '), /at least 2 custodians/);
    assert.ok(checkPolicyDraft(flat(Array.from({ length: 16 }, (_, i) => `C${i + 1}`), '16')).policy, '16 of 16 is fine');
  });

  it('builds a group policy whose threshold is the fewest people who can act, as main requires', () => {
    const draft: PolicyDraft = {
      mode: 'groups',
      custodians: [
        { key: 1, name: 'Alice', groupKey: 10 },
        { key: 2, name: 'Bob', groupKey: 10 },
        { key: 3, name: 'Carol', groupKey: 10 },
        { key: 4, name: 'Dave', groupKey: 11 },
        { key: 5, name: 'Erin', groupKey: 11 },
      ],
      threshold: '2',
      groups: [
        { key: 10, name: 'security', threshold: '2' },
        { key: 11, name: 'operations', threshold: '1' },
      ],
      groupThreshold: '2',
    };
    const checked = checkPolicyDraft(draft);
    assert.ok(checked.policy, JSON.stringify(checked.errors));
    const parsed = parsePolicy(checked.policy);
    assert.equal(parsed.threshold, 3);
    assert.equal(checked.summary, describePolicy(parsed));
    assert.equal(checked.summary, '2 of security and 1 of operations');

    const eitherTeam = checkPolicyDraft({ ...draft, groups: draft.groups.map((g) => ({ ...g, threshold: '2' })), groupThreshold: '1' });
    assert.ok(eitherTeam.policy, JSON.stringify(eitherTeam.errors));
    assert.equal(eitherTeam.policy.threshold, 2);
    assert.equal(eitherTeam.summary, describePolicy(parsePolicy(eitherTeam.policy)));
    assert.equal(eitherTeam.summary, '1 of 2 groups: 2 of security, 2 of operations');
  });

  it('refuses a group policy one person could satisfy alone, and names empty or unassigned groups', () => {
    const base: PolicyDraft = {
      mode: 'groups',
      custodians: [
        { key: 1, name: 'Alice', groupKey: 10 },
        { key: 2, name: 'Bob', groupKey: 11 },
        { key: 3, name: 'Carol', groupKey: null },
      ],
      threshold: '2',
      groups: [
        { key: 10, name: 'security', threshold: '1' },
        { key: 11, name: 'operations', threshold: '1' },
        { key: 12, name: 'audit', threshold: '1' },
      ],
      groupThreshold: '1',
    };
    const checked = checkPolicyDraft(base);
    assert.match(checked.errors.custodians[3] ?? '', /Carol is in no group/);
    assert.match(checked.errors.groups[12] ?? '', /"audit" has no members/);
    const alone = checkPolicyDraft({ ...base, custodians: base.custodians.map((c) => ({ ...c, groupKey: c.groupKey ?? 12 })) });
    assert.equal(alone.policy, null);
    assert.match(alone.errors.general.join(' '), /one person could unlock the HSM alone/);
    assert.throws(() => parsePolicy({ threshold: 1, custodians: [{ name: 'A', group: 'x' }, { name: 'B', group: 'y' }], groups: [{ name: 'x', threshold: 1 }, { name: 'y', threshold: 1 }], groupThreshold: 1 }), /POLICY_INVALID|act alone/);
  });

  it('starts with three empty custodians and asks for their names', () => {
    const checked = checkPolicyDraft(initialDraft());
    assert.equal(Object.keys(checked.errors.custodians).length, 3);
    assert.equal(checked.summary, '2 of 3');
  });
});

describe('envelope source', () => {
  it('needs a full path for files and QR images, and some text when pasting', () => {
    assert.deepEqual(toSource({ kind: 'file', path: ' /media/a/alice.json ', text: '' }), { source: { kind: 'file', path: '/media/a/alice.json' } });
    assert.deepEqual(toSource({ kind: 'qr-image', path: '/tmp/a.png', text: '' }), { source: { kind: 'qr-image', path: '/tmp/a.png' } });
    assert.match((toSource({ kind: 'file', path: 'alice.json', text: '' }) as { problem: string }).problem, /not a full path/);
    assert.match((toSource({ kind: 'qr-image', path: '', text: '' }) as { problem: string }).problem, /QR image/);
    assert.match((toSource({ kind: 'text', path: '', text: '  ' }) as { problem: string }).problem, /Paste the envelope text/);
  });
});

describe('passphrase hint', () => {
  it('agrees with main on the plain rules, and says when both entries match', () => {
    const cases: Array<[string, boolean]> = [
      ['short1A', false],
      ['alllowercaseletters', false],
      [' leading space 12A', false],
      ['alice rides 42 trains', false],
      ['Tangerine umbrella 42 quartz', true],
    ];
    for (const [passphrase, accepted] of cases) {
      const hint = passphraseHint(passphrase, passphrase, 'Alice Liddell');
      assert.equal(hint.tone === 'pass', accepted, `${passphrase}: ${hint.text}`);
      assert.equal(checkPassphrase(passphrase, { custodianName: 'Alice Liddell' }).ok, accepted, `main on ${passphrase}`);
      assert.ok(!hint.text.includes(passphrase), 'the hint never repeats the passphrase');
    }
    assert.match(passphraseHint('Tangerine umbrella 42 quartz', 'Tangerine umbrella 42 quart', 'Bob').text, /differ/);
    assert.match(passphraseHint('', '', 'Bob').text, /At least 12 characters/);
  });
});
