// Turns the first schema problem of a bundle into "where: what was expected", e.g.
// `manifest.key.id: expected the key id (CKA_ID) as 1 to 64 bytes of lower-case hex`.
// The offending value is not repeated: the field name and the rule say enough.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** `manifest.recipient.awsKms.importToken`, `manifest.wrap`, or "the top level". */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the top level';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return { present: false, value: undefined };
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: node };
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a fraction';
  return `a ${typeof value}`;
}

function typeName(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'array') return 'a list';
  return `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
}

function expectation(issue: Issue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const at = valueAt(input, issue.path);
      if (!at.present) return `missing (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}, found ${kind(at.value)}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; a bundle has exactly the fields docs/bundle.md lists`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_union':
      if ('discriminator' in issue && 'options' in issue && Array.isArray(issue.options)) {
        return `expected ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
      }
      return 'does not match any allowed form';
    case 'too_big':
      return `too ${issue.origin === 'number' || issue.origin === 'int' ? 'large' : 'long'} (at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''})`;
    case 'too_small':
      return `too ${issue.origin === 'number' || issue.origin === 'int' ? 'small' : 'short'} (at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''})`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `wrong format${issue.format === 'regex' && 'pattern' in issue ? ` (must match ${String(issue.pattern)})` : ''}` : issue.message;
    default:
      return issue.message;
  }
}

/** The first problem, as "path: expectation". */
export function describeFirstIssue(error: z.ZodError, input: unknown): { path: string; problem: string } {
  const issue = error.issues[0];
  if (!issue) return { path: 'the top level', problem: 'does not match the bundle format' };
  // A nested discriminator problem reports the union's own path; name the field itself.
  const path = issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string' && issue.path[issue.path.length - 1] !== issue.discriminator
    ? [...issue.path, issue.discriminator]
    : issue.path;
  return { path: fieldPath(path), problem: expectation(issue, input) };
}
