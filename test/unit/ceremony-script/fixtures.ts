// Shared material for the ceremony-script tests: a small valid script (defaults left
// out, as a person would write it), serializers, and assertions on the problems found.
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { DomainError } from '../../../native/errors';
import { checkScript, parseScript, type ParseScriptOptions, type ScriptProblem } from '../../../main/ceremony/script/index';

export const FP_A = 'a'.repeat(64);
export const FP_B = 'b'.repeat(64);

/** A minimal valid root ceremony, written the short way (no defaults spelled out). */
export function minimalScript(): Record<string, any> {
  return {
    format: 'conclave-ceremony-script',
    version: 1,
    ceremony: { id: 'root-2025', title: 'Root key generation 2025', kind: 'root-key-generation', rehearsal: false },
    participants: {
      administrator: { name: 'Ada' },
      custodians: [{ name: 'Carol' }, { name: 'Chen' }, { name: 'Chidi' }],
      witnesses: [
        { name: 'Wanda', key: { kind: 'file', fingerprint: FP_A } },
        { name: 'Wim', key: { kind: 'pkcs11', fingerprint: FP_B, tokenLabel: 'WIM CARD' } },
      ],
    },
    quorum: { threshold: 2 },
    token: { label: 'ROOT HSM' },
    steps: [
      { id: 'room', title: 'Check the room', action: 'check-room' },
      { id: 'clock', title: 'Confirm the clock', action: 'confirm-clock-utc' },
      { id: 'token', title: 'Record the HSM', action: 'record-token-facts' },
      { id: 'login', title: 'Quorum login', action: 'quorum-login' },
      { id: 'ceremony-key', title: 'Ceremony key', action: 'generate-ceremony-key', params: { label: 'ceremony-root-2025' } },
      { id: 'root', title: 'Root key', action: 'generate-key', params: { label: 'root', type: 'ec-p384', role: 'sign' } },
      { id: 'kek', title: 'Key-encryption key', action: 'generate-key', params: { label: 'kek', type: 'aes-256', role: 'wrap' } },
      { id: 'export', title: 'Export the root public key', action: 'export-public-key', params: { label: 'root', file: 'root-public.pem' } },
      { id: 'checkpoint', title: 'Checkpoint', action: 'checkpoint' },
      { id: 'witnesses', title: 'Witnesses sign', action: 'witness-sign' },
      { id: 'seal', title: 'Seal', action: 'seal' },
    ],
  };
}

export const toYaml = (value: unknown) => stringify(value, { lineWidth: 0 });
export const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  assert.ok(i >= 0, `"${needle}" is in the text`);
  return i + 1;
}

export function problemsOf(text: string, options: ParseScriptOptions = { fileName: 'script.yaml' }): ScriptProblem[] {
  const result = checkScript(text, options);
  assert.equal(result.ok, false, 'the script is refused');
  return result.ok ? [] : result.problems;
}

/** Problems of a script value written as YAML. */
export const yamlProblems = (value: unknown) => problemsOf(toYaml(value), { fileName: 'script.yaml' });

/** Asserts one problem at exactly `path` whose message matches, and (when given) on `line`. */
export function hasProblem(problems: readonly ScriptProblem[], path: string, message: RegExp | string, line?: number): ScriptProblem {
  const atPath = problems.filter((p) => p.path === path);
  const shown = problems.map((p) => `${p.path}: ${p.message} (line ${p.line})`).join('\n  ');
  assert.ok(atPath.length > 0, `a problem at ${path}; found:\n  ${shown}`);
  const match = atPath.find((p) => (typeof message === 'string' ? p.message === message : message.test(p.message)));
  assert.ok(match, `a problem at ${path} matching ${String(message)}; found:\n  ${shown}`);
  if (line !== undefined) assert.equal(match.line, line, `line of ${path}`);
  return match;
}

/** parseScript throws SCRIPT_INVALID whose message lists `lines`. */
export function assertRefused(text: string, options: ParseScriptOptions, ...expected: string[]): void {
  assert.throws(
    () => parseScript(text, options),
    (e: unknown) => {
      assert.ok(DomainError.is(e), String(e));
      assert.equal(e.code, 'SCRIPT_INVALID');
      for (const line of expected) assert.ok(e.message.includes(line), `message lists "${line}":\n${e.message}`);
      return true;
    },
  );
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
