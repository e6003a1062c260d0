// Canonical JSON: sorted keys, no whitespace, ASCII only, integers only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from '../../../main/quorum/canonical-json';

test('keys sorted at every level, no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: -0 }], A: 'y' }), '{"A":"y","a":[true,null,{"c":0,"d":"x"}],"b":1}');
});

test('non-ASCII characters are escaped, so the text is 7-bit ASCII and round-trips', () => {
  const value = { name: 'Zoë 𝄞 \u2028\u007f', q: '"\\\n' };
  const text = canonicalJson(value);
  assert.equal(text, '{"name":"Zo\\u00eb \\ud834\\udd1e \\u2028\\u007f","q":"\\"\\\\\\n"}');
  assert.ok(/^[\x20-\x7e]*$/.test(text));
  assert.deepEqual(JSON.parse(text), value);
});

test('refuses what has no single form', () => {
  assert.throws(() => canonicalJson({ a: 1.5 }), /safe integers/);
  assert.throws(() => canonicalJson({ a: undefined }), /undefined/);
  assert.throws(() => canonicalJson({ a: new Uint8Array(1) }), /plain object/);
  assert.throws(() => canonicalJson(2 ** 53), /safe integers/);
});
