// Reading scripts: YAML and JSON give the same script and hash; defaults are filled in;
// the syntax is read strictly (duplicate keys, aliases, tags, several documents refused);
// problems carry their line.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import {
  checkScript,
  detectFormat,
  MAX_SCRIPT_CHARACTERS,
  parseScript,
  renderScriptYaml,
  ScriptInvalidError,
  scriptHash,
  validateScript,
} from '../../../main/ceremony/script/index';
import { assertRefused, clone, hasProblem, lineOf, minimalScript, problemsOf, toJson, toYaml } from './fixtures';

describe('parseScript', () => {
  test('YAML and JSON of the same script give the same script and the same hash', () => {
    const value = minimalScript();
    const fromYaml = parseScript(toYaml(value), { fileName: 'root.yaml' });
    const fromJson = parseScript(toJson(value), { fileName: 'root.json' });
    assert.deepEqual(fromYaml, fromJson);
    assert.equal(scriptHash(fromYaml), scriptHash(fromJson));
    // Flow-style YAML, a different key order and compact JSON change nothing either.
    const reordered = { steps: value.steps, token: value.token, quorum: value.quorum, participants: value.participants, ceremony: value.ceremony, version: 1, format: value.format };
    assert.equal(scriptHash(parseScript(JSON.stringify(reordered))), scriptHash(fromYaml));
    assert.equal(scriptHash(parseScript(toYaml(reordered).replace(/^/, '# a comment\n'))), scriptHash(fromYaml));
  });

  test('the hash is SHA-256 of the canonical JSON of the parsed script', () => {
    const script = parseScript(toYaml(minimalScript()));
    const expected = createHash('sha256').update(canonicalJson(script), 'utf8').digest('hex');
    assert.equal(scriptHash(script), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
    const other = clone(minimalScript());
    other.ceremony.title = 'Root key generation 2026';
    assert.notEqual(scriptHash(parseScript(toYaml(other))), expected);
  });

  test('defaults are filled in, and spelling them out changes nothing', () => {
    const short = parseScript(toYaml(minimalScript()));
    const root = short.steps.find((s) => s.id === 'root')!;
    assert.equal(root.irreversible, true);
    assert.deepEqual(root.preconditions, ['hsm-present', 'air-gap', 'clock-utc', 'quorum-logged-in']);
    assert.deepEqual(root.acknowledgements, [{ role: 'administrator' }, { role: 'witnesses', count: 'all' }]);
    const room = short.steps[0]!;
    assert.deepEqual([room.params, room.irreversible, room.preconditions, room.acknowledgements], [{}, false, [], [{ role: 'administrator' }]]);
    const exp = short.steps.find((s) => s.action === 'export-public-key')!;
    assert.deepEqual(exp.params, { label: 'root', existing: false, file: 'root-public.pem' });
    assert.deepEqual(short.outputs, {});
    const explicit = parseScript(renderScriptYaml(short));
    assert.deepEqual(explicit, short);
    assert.equal(scriptHash(explicit), scriptHash(short));
  });

  test('a step may add preconditions and change acknowledgements and irreversible', () => {
    const value = minimalScript();
    value.steps[0] = { ...value.steps[0], preconditions: ['hsm-present'], acknowledgements: [{ role: 'witnesses', count: 1 }], irreversible: true };
    const s = parseScript(toYaml(value));
    assert.deepEqual(s.steps[0]!.preconditions, ['hsm-present']);
    assert.deepEqual(s.steps[0]!.acknowledgements, [{ role: 'witnesses', count: 1 }]);
    assert.equal(s.steps[0]!.irreversible, true);
  });

  test('the format is chosen by extension, then by content', () => {
    assert.equal(detectFormat('{}', 'a.yaml'), 'yaml');
    assert.equal(detectFormat('a: 1', 'a.JSON'), 'json');
    assert.equal(detectFormat('a: 1', 'a.yml'), 'yaml');
    assert.equal(detectFormat('  \n {"a": 1}'), 'json');
    assert.equal(detectFormat('a: 1'), 'yaml');
    // YAML text in a .json file is read as JSON, and refused as such.
    const problems = problemsOf(toYaml(minimalScript()), { fileName: 'root.json' });
    hasProblem(problems, '(syntax)', /^not valid JSON/);
    const asJson = checkScript(toJson(minimalScript()), { format: 'json' });
    assert.equal(asJson.ok && asJson.format, 'json');
  });

  test('a byte-order mark is ignored', () => {
    const plain = parseScript(toYaml(minimalScript()));
    assert.deepEqual(parseScript(`\ufeff${toYaml(minimalScript())}`), plain);
    assert.deepEqual(parseScript(`\ufeff${toJson(minimalScript())}`, { fileName: 'x.json' }), plain);
  });

  test('duplicate keys are refused in YAML, with both lines', () => {
    const text = toYaml(minimalScript()).replace('  label: ROOT HSM\n', '  label: ROOT HSM\n  label: OTHER HSM\n');
    const line = lineOf(text, 'label: OTHER HSM');
    const p = hasProblem(problemsOf(text), 'token.label', /^duplicate field "label" \(first given on line \d+\)/, line);
    assert.match(p.message, new RegExp(`first given on line ${line - 1}\\b`));
    const nested = toYaml(minimalScript()).replace('    action: check-room\n', '    action: check-room\n    action: note\n');
    hasProblem(problemsOf(nested), 'steps[0].action', /^duplicate field "action"/, lineOf(nested, 'action: note'));
  });

  test('duplicate keys are refused in JSON, which JSON.parse alone would hide', () => {
    const text = toJson(minimalScript()).replace('"label": "ROOT HSM"', '"label": "ROOT HSM", "label": "OTHER"');
    hasProblem(problemsOf(text, { fileName: 's.json' }), 'token.label', /^duplicate field "label"/, lineOf(text, '"OTHER"'));
  });

  test('unknown fields are refused everywhere, naming the allowed ones', () => {
    const value = minimalScript();
    value.colour = 'red';
    value.ceremony.owner = 'x';
    value.participants.witnesses[0].key.extra = 1;
    value.steps[5].params.size = 384;
    value.steps[1].note = 'x';
    const text = toYaml(value);
    const problems = problemsOf(text);
    hasProblem(problems, 'colour', /^unknown field; allowed here: format, version, ceremony, participants, quorum, token, outputs, steps$/, lineOf(text, 'colour:'));
    hasProblem(problems, 'ceremony.owner', /^unknown field; allowed here: id, title, kind, rehearsal, previousCeremonyFinalHash$/, lineOf(text, 'owner:'));
    hasProblem(problems, 'participants.witnesses[0].key.extra', /^unknown field; allowed here: kind, fingerprint$/, lineOf(text, 'extra:'));
    hasProblem(problems, 'steps[5].params.size', /^unknown field; allowed here: label, type, role$/, lineOf(text, 'size:'));
    hasProblem(problems, 'steps[1].note', /^unknown field; allowed here: id, title, instructions, action, params, acknowledgements, irreversible, preconditions$/, lineOf(text, 'note: x'));
    assert.equal(problems.length, 5, problems.map((p) => p.path).join(', '));
  });

  test('params on an action that takes none are refused', () => {
    const value = minimalScript();
    value.steps[0].params = { label: 'x' };
    hasProblem(yamlProblems(value), 'steps[0].params.label', /^unknown field/);
  });

  test('YAML anchors, aliases, tags and collection keys are refused', () => {
    const base = toYaml(minimalScript());
    const alias = base.replace('  label: ROOT HSM\n', '  label: &l ROOT HSM\n  slotSerial: *l\n');
    const problems = problemsOf(alias);
    hasProblem(problems, 'token.label', /^an anchor \(&l\) is not allowed/);
    hasProblem(problems, 'token.slotSerial', /^an alias \(\*l\) is not allowed/, lineOf(alias, 'slotSerial'));
    const tagged = base.replace('  label: ROOT HSM\n', '  label: !!binary Uk9PVA==\n');
    hasProblem(problemsOf(tagged), 'token.label', /^an explicit tag \(tag:yaml.org,2002:binary\) is not allowed/, lineOf(tagged, '!!binary'));
    const custom = base.replace('  label: ROOT HSM\n', '  label: !secret ROOT\n');
    hasProblem(problemsOf(custom), '(syntax)', /Unresolved tag: !secret/);
    const collectionKey = base.replace('quorum:\n', '? [a, b]\n: 1\nquorum:\n');
    hasProblem(problemsOf(collectionKey), '(script)', /^field names must be text; found the key a collection/);
    const numberKey = base.replace('quorum:\n', '1: x\nquorum:\n');
    hasProblem(problemsOf(numberKey), '(script)', /^field names must be text; found the key 1/);
  });

  test('YAML 1.1 booleans and octal-looking numbers are not guessed', () => {
    const value = minimalScript();
    const text = toYaml(value).replace('rehearsal: false', 'rehearsal: no');
    hasProblem(problemsOf(text), 'ceremony.rehearsal', 'expected true or false; found "no"', lineOf(text, 'rehearsal: no'));
  });

  test('several YAML documents, syntax errors and bad JSON are named with their line', () => {
    const two = `${toYaml(minimalScript())}---\nformat: x\n`;
    hasProblem(problemsOf(two), '(syntax)', /several|multiple documents/i, lineOf(two, '---'));
    const broken = toYaml(minimalScript()).replace('quorum:\n  threshold: 2\n', 'quorum:\n  threshold: [2\n');
    const p = hasProblem(problemsOf(broken), '(syntax)', /^not valid YAML/);
    assert.ok(p.line !== null && p.line >= lineOf(broken, 'threshold: [2'));
    const json = toJson(minimalScript()).replace('"threshold": 2', '"threshold": 2,');
    hasProblem(problemsOf(json, { fileName: 's.json' }), '(syntax)', /^not valid JSON/, lineOf(json, '"threshold": 2,') + 1);
  });

  test('empty, non-object and oversized inputs are refused', () => {
    hasProblem(problemsOf(''), '(script)', 'expected a mapping of fields; found null');
    hasProblem(problemsOf('[1, 2]'), '(script)', 'expected a mapping of fields; found a list of 2');
    hasProblem(problemsOf('"text"', { fileName: 'a.json' }), '(script)', 'expected a mapping of fields; found "text"');
    hasProblem(problemsOf(' '.repeat(MAX_SCRIPT_CHARACTERS + 1)), '(script)', /at most 1048576/);
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    hasProblem(problemsOf(deep, { fileName: 'deep.json' }), '(syntax)', /nested more than 32 levels/);
    hasProblem(problemsOf(`a: ${deep}`), '(syntax)', /nested more than 32 levels/);
  });

  test('SCRIPT_INVALID lists every problem as "path: expected ... (line N)"', () => {
    const value = minimalScript();
    value.steps[5].params.type = 'aes-128';
    value.quorum.threshold = 'two';
    value.token.label = '';
    const text = toYaml(value);
    assertRefused(
      text,
      { fileName: 'root.yaml' },
      'The ceremony script root.yaml is invalid (3 problems):',
      `  quorum.threshold: expected a number; found "two" (line ${lineOf(text, 'threshold: two')})`,
      `  token.label: expected text, found empty text (line ${lineOf(text, 'label: ""')})`,
      `  steps[5].params.type: expected one of aes-256, ec-p256, ec-p384, ed25519, rsa-3072, rsa-4096; found "aes-128" (line ${lineOf(text, 'type: aes-128')})`,
    );
    try {
      parseScript(text, { fileName: 'root.yaml' });
    } catch (e) {
      assert.ok(e instanceof ScriptInvalidError);
      assert.equal(e.problems.length, 3);
      assert.match(e.action, /npx conclave script check/);
      // Problems come in the order of the file.
      assert.deepEqual(e.problems.map((p) => p.path), ['quorum.threshold', 'token.label', 'steps[5].params.type']);
    }
  });

  test('validateScript checks values without a file (no lines)', () => {
    const good = validateScript(minimalScript());
    assert.deepEqual(good, parseScript(toYaml(minimalScript())));
    const bad = minimalScript();
    bad.version = 2;
    assert.throws(
      () => validateScript(bad),
      (e: unknown) => DomainError.is(e) && e.code === 'SCRIPT_INVALID' && e.message.includes('  version: expected 1; found 2\n') === false && e.message.endsWith('  version: expected 1; found 2'),
    );
  });

  test('control characters from the file are shown escaped, never sent to the terminal', () => {
    const esc = '\u001b[2J';
    const texts: Array<[string, string]> = [
      [`{"format": "conclave-ceremony-script", ${JSON.stringify(esc)}: 1, "x": ${esc}}`, 'a.json'],
      [toJson({ ...minimalScript(), [esc]: 1 }), 'a.json'],
      [toYaml({ ...minimalScript(), [esc]: 1 }), 'a.yaml'],
      [toYaml(minimalScript()).replace('title: Check the room', `title: "Check\\e[2J"`), 'a.yaml'],
    ];
    for (const [text, fileName] of texts) {
      const problems = problemsOf(text, { fileName });
      for (const p of problems) assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(p.path + p.message), JSON.stringify(p));
      if (!text.includes('Check\\e')) assert.ok(problems.some((p) => (p.path + p.message).includes('\\u001b')), JSON.stringify(problems));
    }
  });

  test('__proto__ and constructor keys are unknown fields, never prototypes', () => {
    const json = toJson(minimalScript()).replace('"quorum": {', '"quorum": { "__proto__": { "threshold": 5 },');
    const p = problemsOf(json, { fileName: 'a.json' });
    hasProblem(p, 'quorum.__proto__', /^unknown field/);
    const yaml = toYaml(minimalScript()).replace('quorum:\n', 'quorum:\n  __proto__:\n    threshold: 5\n');
    hasProblem(problemsOf(yaml), 'quorum.__proto__', /^unknown field/);
    assert.equal(({} as Record<string, unknown>).threshold, undefined);
  });
});

function yamlProblems(value: unknown) {
  return problemsOf(toYaml(value));
}
