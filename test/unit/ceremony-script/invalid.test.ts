// Many invalid scripts, each refused with the exact path of the bad field, what was
// expected there, and its line, in YAML and in JSON alike.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIONS } from '../../../main/ceremony/script/index';
import { clone, hasProblem, lineOf, minimalScript, problemsOf, toJson, toYaml } from './fixtures';

type Script = ReturnType<typeof minimalScript>;

interface Case {
  name: string;
  mutate: (s: Script) => void;
  path: string;
  message: string;
  /** Text on the problem's line; "key: value" is looked up as "\"key\": \"value\"" in JSON. */
  needle: string | RegExp;
  /** The same for JSON, where it differs. */
  jsonNeedle?: string | RegExp;
  /** Lines to add in JSON, where a list item starts on its own "{" line. */
  jsonShift?: number;
  /** Lines to add in both formats. */
  shift?: number;
}

const ACTION_LIST = ACTIONS.join(', ');
const PATH_EXPECTATION =
  'expected a relative path inside the ceremony folder: parts of letters, digits, ".", "_", "-" separated by "/", each part starting with a letter or digit';

const CASES: Case[] = [
  { name: 'wrong format', mutate: (s) => (s.format = 'conclave-script'), path: 'format', message: 'expected conclave-ceremony-script; found "conclave-script"', needle: 'conclave-script' },
  { name: 'newer version', mutate: (s) => (s.version = 2), path: 'version', message: 'expected 1; found 2', needle: 'version' },
  { name: 'missing version', mutate: (s) => delete s.version, path: 'version', message: 'missing; expected 1', needle: 'format', jsonShift: -1 },
  { name: 'bad ceremony id', mutate: (s) => (s.ceremony.id = 'root 2025!'), path: 'ceremony.id', message: 'expected a ceremony id: 1 to 64 letters, digits, ".", "_" or "-"', needle: 'root 2025!' },
  {
    name: 'unknown kind',
    mutate: (s) => (s.ceremony.kind = 'root'),
    path: 'ceremony.kind',
    message: 'expected one of quorum-setup, root-key-generation, key-backup, key-restore, custom; found "root"',
    needle: 'kind',
  },
  { name: 'rehearsal as text', mutate: (s) => (s.ceremony.rehearsal = 'yes'), path: 'ceremony.rehearsal', message: 'expected true or false; found "yes"', needle: 'rehearsal' },
  {
    name: 'previous hash in capitals',
    mutate: (s) => (s.ceremony.previousCeremonyFinalHash = 'AB'.repeat(32)),
    path: 'ceremony.previousCeremonyFinalHash',
    message: 'expected a SHA-256 as 64 lower-case hex digits',
    needle: 'previousCeremonyFinalHash',
  },
  { name: 'title too long', mutate: (s) => (s.ceremony.title = 't'.repeat(201)), path: 'ceremony.title', message: 'expected at most 200 characters; found 201', needle: 'ttttt' },
  { name: 'title with spaces around', mutate: (s) => (s.ceremony.title = ' Root '), path: 'ceremony.title', message: 'expected a title without leading or trailing spaces', needle: ' Root ' },
  { name: 'no administrator', mutate: (s) => delete s.participants.administrator, path: 'participants.administrator', message: 'missing; expected a mapping of fields', needle: 'participants' },
  { name: 'one custodian', mutate: (s) => (s.participants.custodians = [{ name: 'Carol' }]), path: 'participants.custodians', message: 'expected at least 2 items; found 1', needle: 'custodians' },
  { name: 'no witnesses', mutate: (s) => (s.participants.witnesses = []), path: 'participants.witnesses', message: 'expected at least 1 item; found 0', needle: 'witnesses' },
  {
    name: 'witness key kind',
    mutate: (s) => (s.participants.witnesses[0].key.kind = 'usb'),
    path: 'participants.witnesses[0].key.kind',
    message: 'expected one of file, pkcs11; found "usb"',
    needle: 'usb',
  },
  {
    name: 'witness fingerprint in capitals',
    mutate: (s) => (s.participants.witnesses[1].key.fingerprint = 'B'.repeat(64)),
    path: 'participants.witnesses[1].key.fingerprint',
    message: 'expected a SHA-256 as 64 lower-case hex digits',
    needle: 'BBBB',
  },
  {
    name: 'name with a tab',
    mutate: (s) => (s.participants.custodians[1].name = 'Ch\ten'),
    path: 'participants.custodians[1].name',
    message: 'expected a name without control characters (tabs, line breaks)',
    needle: 'Ch\ten',
    jsonNeedle: 'Ch\\ten',
  },
  {
    name: 'name not in NFC',
    mutate: (s) => (s.participants.custodians[2].name = 'Chlo\u0065\u0301'),
    path: 'participants.custodians[2].name',
    message: 'expected a name in Unicode NFC form (retype the accented letters)',
    needle: 'Chlo',
  },
  { name: 'threshold of one', mutate: (s) => (s.quorum.threshold = 1), path: 'quorum.threshold', message: 'expected a whole number at least 2; found 1', needle: 'threshold' },
  { name: 'fractional threshold', mutate: (s) => (s.quorum.threshold = 2.5), path: 'quorum.threshold', message: 'expected a whole number; found 2.5', needle: 'threshold' },
  { name: 'token label too long', mutate: (s) => (s.token.label = 'L'.repeat(33)), path: 'token.label', message: 'expected at most 32 characters; found 33', needle: 'LLLL' },
  {
    name: 'token label over 32 bytes',
    mutate: (s) => (s.token.label = '\u00e9'.repeat(17)),
    path: 'token.label',
    message: 'expected a token label of at most 32 bytes in UTF-8',
    needle: '\u00e9\u00e9\u00e9',
  },
  { name: 'relative module path', mutate: (s) => (s.token.module = 'lib/softhsm2.so'), path: 'token.module', message: 'expected the absolute path of a PKCS#11 library', needle: 'lib/softhsm2.so' },
  {
    name: 'serial too long',
    mutate: (s) => (s.token.slotSerial = '0123456789abcdefX'),
    path: 'token.slotSerial',
    message: 'expected a token serial number: 1 to 16 printable ASCII characters',
    needle: '0123456789abcdefX',
  },
  { name: 'empty outputs folder', mutate: (s) => (s.outputs = { folder: '' }), path: 'outputs.folder', message: 'expected text, found empty text', needle: 'folder' },
  { name: 'unknown action', mutate: (s) => (s.steps[3].action = 'login'), path: 'steps[3].action', message: `expected one of ${ACTION_LIST}; found "login"`, needle: 'action: login' },
  { name: 'missing action', mutate: (s) => delete s.steps[3].action, path: 'steps[3].action', message: `missing; expected one of ${ACTION_LIST}`, needle: 'id: login', jsonShift: -1 },
  {
    name: 'unknown key type',
    mutate: (s) => (s.steps[5].params.type = 'aes-128'),
    path: 'steps[5].params.type',
    message: 'expected one of aes-256, ec-p256, ec-p384, ed25519, rsa-3072, rsa-4096; found "aes-128"',
    needle: 'aes-128',
  },
  {
    name: 'unknown key role',
    mutate: (s) => (s.steps[5].params.role = 'signing'),
    path: 'steps[5].params.role',
    message: 'expected one of sign, wrap, encrypt, wrap-only-export; found "signing"',
    needle: 'signing',
  },
  { name: 'missing params', mutate: (s) => delete s.steps[5].params, path: 'steps[5].params', message: 'missing; expected a mapping of fields', needle: /^\s*- id: root$/, jsonNeedle: /^\s*"id": "root",$/, jsonShift: -1 },
  { name: 'missing label', mutate: (s) => delete s.steps[5].params.label, path: 'steps[5].params.label', message: 'missing; expected text', needle: 'ec-p384', shift: -1 },
  {
    name: 'label with a control character',
    mutate: (s) => (s.steps[5].params.label = 'root\u0007key'),
    path: 'steps[5].params.label',
    message: 'expected a key label: 1 to 128 printable ASCII characters, no leading or trailing spaces',
    needle: 'root\\akey',
    jsonNeedle: 'root\\u0007key',
  },
  { name: 'file outside the folder', mutate: (s) => (s.steps[7].params.file = '../root-public.pem'), path: 'steps[7].params.file', message: PATH_EXPECTATION, needle: '../root-public.pem' },
  { name: 'absolute file', mutate: (s) => (s.steps[7].params.file = '/etc/root-public.pem'), path: 'steps[7].params.file', message: PATH_EXPECTATION, needle: '/etc/root-public.pem' },
  { name: 'hidden file', mutate: (s) => (s.steps[7].params.file = 'keys/.root.pem'), path: 'steps[7].params.file', message: PATH_EXPECTATION, needle: 'keys/.root.pem' },
  { name: 'existing as text', mutate: (s) => (s.steps[7].params.existing = 'false'), path: 'steps[7].params.existing', message: 'expected true or false; found "false"', needle: 'existing' },
  {
    name: 'unknown precondition',
    mutate: (s) => (s.steps[0].preconditions = ['hsm-present', 'network-off']),
    path: 'steps[0].preconditions[1]',
    message: 'expected one of hsm-present, air-gap, quorum-logged-in, clock-utc; found "network-off"',
    needle: 'network-off',
  },
  { name: 'preconditions as text', mutate: (s) => (s.steps[0].preconditions = 'hsm-present'), path: 'steps[0].preconditions', message: 'expected a list; found "hsm-present"', needle: 'preconditions' },
  {
    name: 'unknown role',
    mutate: (s) => (s.steps[0].acknowledgements = [{ role: 'auditors' }]),
    path: 'steps[0].acknowledgements[0].role',
    message: 'expected one of administrator, custodians, witnesses; found "auditors"',
    needle: 'auditors',
  },
  {
    name: 'count of zero',
    mutate: (s) => (s.steps[0].acknowledgements = [{ role: 'witnesses', count: 0 }]),
    path: 'steps[0].acknowledgements[0].count',
    message: 'expected a whole number at least 1; found 0',
    needle: 'count',
  },
  {
    name: 'missing count',
    mutate: (s) => (s.steps[0].acknowledgements = [{ role: 'custodians' }]),
    path: 'steps[0].acknowledgements[0].count',
    message: 'missing; expected "all" or a whole number of at least 1',
    needle: 'role: custodians',
    jsonShift: -1,
  },
  { name: 'no acknowledgements', mutate: (s) => (s.steps[0].acknowledgements = []), path: 'steps[0].acknowledgements', message: 'expected at least 1 item; found 0', needle: 'acknowledgements' },
  { name: 'irreversible as text', mutate: (s) => (s.steps[0].irreversible = 'yes'), path: 'steps[0].irreversible', message: 'expected true or false; found "yes"', needle: 'irreversible' },
  { name: 'bad step id', mutate: (s) => (s.steps[8].id = 'check point'), path: 'steps[8].id', message: 'expected a step id: 1 to 64 letters, digits, ".", "_" or "-"', needle: 'check point' },
  {
    name: 'signers as words',
    mutate: (s) => (s.steps[9].params = { signers: 'some' }),
    path: 'steps[9].params.signers',
    message: 'expected "all" or a whole number of at least 1; found "some"',
    needle: 'some',
  },
  {
    name: 'empty note',
    mutate: (s) => s.steps.splice(1, 0, { id: 'n', title: 'Note', action: 'note', params: { text: '' } }),
    path: 'steps[1].params.text',
    message: 'expected text, found empty text',
    needle: 'text: ""',
    jsonNeedle: '"text": ""',
  },
  {
    name: 'certificate validity of zero days',
    mutate: (s) => s.steps.splice(8, 0, { id: 'cert', title: 'Certificate', action: 'self-signed-certificate', params: { label: 'root', subject: { commonName: 'Root' }, validityDays: 0, file: 'root.crt' } }),
    path: 'steps[8].params.validityDays',
    message: 'expected a whole number at least 1; found 0',
    needle: 'validityDays',
  },
  {
    name: 'certificate country in lower case',
    mutate: (s) => s.steps.splice(8, 0, { id: 'cert', title: 'Certificate', action: 'self-signed-certificate', params: { label: 'root', subject: { commonName: 'Root', country: 'de' }, validityDays: 30, file: 'root.crt' } }),
    path: 'steps[8].params.subject.country',
    message: 'expected a two-letter country code in capitals (ISO 3166), such as "DE"',
    needle: 'country',
  },
  { name: 'steps as a mapping', mutate: (s) => (s.steps = { room: 'check-room' }), path: 'steps', message: 'expected a list; found a mapping of fields', needle: 'steps' },
  { name: 'a step that is text', mutate: (s) => (s.steps[2] = 'record-token-facts'), path: 'steps[2]', message: 'expected a mapping of fields; found "record-token-facts"', needle: 'record-token-facts' },
];

function lineAt(text: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return lineOf(text, needle);
  const i = text.split('\n').findIndex((l) => needle.test(l));
  assert.ok(i >= 0, `${String(needle)} matches a line`);
  return i + 1;
}

function check(c: Case, format: 'yaml' | 'json'): void {
  const value = clone(minimalScript());
  c.mutate(value);
  const text = format === 'yaml' ? toYaml(value) : toJson(value);
  const jsonNeedle = c.jsonNeedle ?? (typeof c.needle === 'string' ? c.needle.replace(/^([A-Za-z]+): (.*)$/, '"$1": "$2"') : c.needle);
  const needle = format === 'json' ? jsonNeedle : c.needle;
  const expectedLine = lineAt(text, needle) + (c.shift ?? 0) + (format === 'json' ? (c.jsonShift ?? 0) : 0);
  const problems = problemsOf(text, { fileName: `script.${format}` });
  hasProblem(problems, c.path, c.message, expectedLine);
}

describe('invalid scripts: path, expectation and line', () => {
  for (const c of CASES) {
    test(`${c.name} (YAML)`, () => check(c, 'yaml'));
    test(`${c.name} (JSON)`, () => check(c, 'json'));
  }

  test('every problem of a script with many is listed, in file order', () => {
    const value = clone(minimalScript());
    for (const c of CASES.filter((x) => ['unknown kind', 'witness key kind', 'threshold of one', 'unknown key type', 'unknown precondition', 'bad step id'].includes(x.name))) c.mutate(value);
    const text = toYaml(value);
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['ceremony.kind', 'participants.witnesses[0].key.kind', 'quorum.threshold', 'steps[0].preconditions[1]', 'steps[5].params.type', 'steps[8].id'],
    );
    const lines = problems.map((p) => p.line!);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});
