// Random mutations of valid scripts (of the value, and of the YAML/JSON text) never make
// the parser throw anything but SCRIPT_INVALID; whatever it accepts is a whole script
// whose hash survives a round trip. Seeded, so a failure can be replayed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import {
  keyBackupScript,
  keyRestoreScript,
  parseScript,
  quorumSetupScript,
  rehearsalRootScript,
  renderScriptYaml,
  ScriptInvalidError,
  scriptHash,
  type CeremonyScript,
} from '../../../main/ceremony/script/index';
import { clone, FP_A, FP_B, minimalScript, toJson, toYaml } from './fixtures';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const team = {
  ceremonyId: 'fuzz',
  participants: {
    administrator: { name: 'Ada' },
    custodians: [{ name: 'Carol' }, { name: 'Chen' }],
    witnesses: [{ name: 'Wanda', key: { kind: 'file' as const, fingerprint: FP_A } }, { name: 'Wim', key: { kind: 'pkcs11' as const, fingerprint: FP_B } }],
  },
  quorum: { threshold: 2 },
  token: { label: 'FUZZ' },
};

const seeds: Json[] = [
  minimalScript(),
  quorumSetupScript(team),
  keyBackupScript({ ...team, keyLabel: 'k' }),
  keyRestoreScript({ ...team, label: 'k', type: 'rsa-3072', role: 'encrypt' }),
  rehearsalRootScript({ witnessFingerprint: FP_A, certificate: true }),
] as unknown as Json[];

const WORDS = ['', ' ', 'all', 'seal', 'root', 'sign', 'aes-256', 'ec-p384', 'hsm-present', 'witnesses', 'custodians', '__proto__', 'constructor', 'a'.repeat(300), '\u0000', '\t', 'e\u0301', '\ud800', '../x', 'shares', 'transcript.jsonl', FP_A, '1', 'true', 'null', '~', '*a', '&a', '!!binary', '- x', '{', '[', '"', '#', ': x'];

function randomValue(r: () => number, depth = 0): Json {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 10) - 2;
    case 3:
      return [0.5, -1, 2 ** 53, 1e308, -0][Math.floor(r() * 5)]!;
    case 4:
    case 5:
    case 6:
      return WORDS[Math.floor(r() * WORDS.length)]!;
    case 7:
      return String.fromCharCode(...Array.from({ length: Math.floor(r() * 8) }, () => Math.floor(r() * 0x2fff)));
    case 8:
      return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1));
    default: {
      if (depth > 2) return {};
      const o: { [k: string]: Json } = {};
      for (let i = Math.floor(r() * 3); i > 0; i--) o[WORDS[Math.floor(r() * WORDS.length)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** Every container in the value, with the way to reach it. */
function containers(value: Json, out: Array<Json[] | { [k: string]: Json }> = []): Array<Json[] | { [k: string]: Json }> {
  if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, out);
  }
  return out;
}

function mutateValue(value: Json, r: () => number): void {
  const all = containers(value);
  const target = all[Math.floor(r() * all.length)]!;
  if (Array.isArray(target)) {
    const i = Math.floor(r() * Math.max(target.length, 1));
    const op = Math.floor(r() * 5);
    if (op === 0) target.splice(i, 1);
    else if (op === 1 && target.length > 0) target.splice(i, 0, clone(target[i % target.length]!));
    else if (op === 2 && target.length > 1) [target[0], target[target.length - 1]] = [target[target.length - 1]!, target[0]!];
    else if (op === 3) target[i] = randomValue(r);
    else target.push(randomValue(r));
    return;
  }
  const keys = Object.keys(target);
  const op = Math.floor(r() * 4);
  if (op === 0 && keys.length > 0) delete target[keys[Math.floor(r() * keys.length)]!];
  else if (op === 1 || keys.length === 0) target[WORDS[Math.floor(r() * WORDS.length)]!] = randomValue(r);
  else target[keys[Math.floor(r() * keys.length)]!] = randomValue(r);
}

function mutateText(text: string, r: () => number): string {
  const at = Math.floor(r() * text.length);
  switch (Math.floor(r() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
    case 1:
      return text.slice(0, at) + WORDS[Math.floor(r() * WORDS.length)]! + text.slice(at);
    case 2: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 3: {
      const lines = text.split('\n');
      const i = Math.floor(r() * (lines.length - 1));
      [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      return lines.join('\n');
    }
    case 4:
      return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + text.slice(at);
    default:
      return text.slice(0, at);
  }
}

interface Tally {
  accepted: number;
  refused: number;
}

function attempt(text: string, fileName: string, tally: Tally, context: string): void {
  let script: CeremonyScript;
  try {
    script = parseScript(text, { fileName });
  } catch (error) {
    assert.ok(DomainError.is(error) && error.code === 'SCRIPT_INVALID', `${context}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- input ---\n${text}`);
    assert.ok(error instanceof ScriptInvalidError && error.problems.length > 0, `${context}: lists its problems`);
    for (const p of error.problems) assert.ok(p.path.length > 0 && p.message.length > 0, `${context}: ${JSON.stringify(p)}`);
    tally.refused++;
    return;
  }
  tally.accepted++;
  const hash = scriptHash(script);
  assert.equal(scriptHash(parseScript(renderScriptYaml(script))), hash, `${context}: an accepted script round-trips`);
  assert.equal(scriptHash(parseScript(toJson(script), { fileName: 'x.json' })), hash, `${context}: and as JSON`);
}

describe('fuzz', () => {
  test('mutated values, written as YAML and JSON, only ever give SCRIPT_INVALID', () => {
    const r = prng(0xc0ffee);
    const tally: Tally = { accepted: 0, refused: 0 };
    for (let n = 0; n < 600; n++) {
      const value = clone(seeds[n % seeds.length]!);
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) mutateValue(value, r);
      const asYaml = r() < 0.5;
      attempt(asYaml ? toYaml(value) : toJson(value), asYaml ? 'fuzz.yaml' : 'fuzz.json', tally, `value mutation ${n}`);
    }
    assert.ok(tally.refused > 450, `most mutations are refused (${JSON.stringify(tally)})`);
  });

  test('mutated texts only ever give SCRIPT_INVALID', () => {
    const r = prng(0x5eed);
    const tally: Tally = { accepted: 0, refused: 0 };
    for (let n = 0; n < 600; n++) {
      const seed = seeds[n % seeds.length]!;
      const asYaml = n % 2 === 0;
      let text = asYaml ? toYaml(seed) : toJson(seed);
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) text = mutateText(text, r);
      attempt(text, asYaml ? 'fuzz.yaml' : 'fuzz.json', tally, `text mutation ${n}`);
    }
    assert.ok(tally.refused > 300, `most mutations are refused (${JSON.stringify(tally)})`);
  });
});
