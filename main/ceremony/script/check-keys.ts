// Rules over key labels: a label names one key for the whole script (never reused, so a
// step can never act on the wrong key or make a second one with the same name); a step
// that uses a key refers to one an earlier step made, or says the key is already on the
// token (existing: true); and the key is of a kind the step can use.
import type { PathProblem, PathSegment } from './problems';
import type { ScriptStep } from './schema';
import { stepRef } from './check-steps';
import { CEREMONY_KEY_TYPE, isAsymmetric, ROLES_FOR_TYPE, type KeyType, type ScriptKeyRole } from './vocabulary';

interface MadeKey {
  step: number;
  type: KeyType;
  role: ScriptKeyRole;
}

interface Made {
  label: string;
  path: PathSegment[];
  key: MadeKey;
}

/** Keys a step creates on the token, with where their label is written. */
function keysMadeBy(step: ScriptStep, i: number): Made[] {
  switch (step.action) {
    case 'generate-ceremony-key':
      return [{ label: step.params.label, path: ['steps', i, 'params', 'label'], key: { step: i, type: CEREMONY_KEY_TYPE, role: 'sign' } }];
    case 'generate-key':
    case 'restore-key':
      return [{ label: step.params.label, path: ['steps', i, 'params', 'label'], key: { step: i, type: step.params.type, role: step.params.role } }];
    case 'backup-key':
      return [{ label: step.params.backupKeyLabel, path: ['steps', i, 'params', 'backupKeyLabel'], key: { step: i, type: 'aes-256', role: 'wrap' } }];
    default:
      return [];
  }
}

export interface ScriptKey {
  label: string;
  type: KeyType;
  role: ScriptKeyRole;
  /** Index of the step that creates the key. */
  step: number;
  stepId: string;
  /** The ceremony signing key, a generated key, a backup key, or a restored key. */
  origin: 'ceremony-key' | 'generated' | 'backup-key' | 'restored';
}

const ORIGIN: Partial<Record<ScriptStep['action'], ScriptKey['origin']>> = {
  'generate-ceremony-key': 'ceremony-key',
  'generate-key': 'generated',
  'backup-key': 'backup-key',
  'restore-key': 'restored',
};

/** Every key a (valid) script creates on the token, in step order: what resume adopts by label. */
export function scriptKeys(steps: readonly ScriptStep[]): ScriptKey[] {
  return steps.flatMap((step, i) =>
    keysMadeBy(step, i).map((m) => ({ label: m.label, type: m.key.type, role: m.key.role, step: i, stepId: step.id, origin: ORIGIN[step.action]! })),
  );
}

type UsingStep = Extract<ScriptStep, { action: 'export-public-key' | 'self-signed-certificate' | 'backup-key' | 'export-bundle' }>;

const usesKey = (step: ScriptStep): step is UsingStep =>
  step.action === 'export-public-key' || step.action === 'self-signed-certificate' || step.action === 'backup-key' || step.action === 'export-bundle';

const TYPE_NAMES: Record<KeyType, string> = {
  'aes-256': 'an AES-256 key',
  'ec-p256': 'an EC P-256 key pair',
  'ec-p384': 'an EC P-384 key pair',
  ed25519: 'an Ed25519 key pair',
  'rsa-3072': 'an RSA-3072 key pair',
  'rsa-4096': 'an RSA-4096 key pair',
};

/** Whether the step can use this key; a reason when not. */
function fitProblem(step: UsingStep, label: string, key: MadeKey, steps: readonly ScriptStep[]): string | null {
  const what = `the key "${label}" (${stepRef(steps, key.step)}) is ${TYPE_NAMES[key.type]}`;
  if (step.action === 'export-public-key' && !isAsymmetric(key.type)) return `${what}, which has no public key to export`;
  if (step.action === 'self-signed-certificate') {
    if (!isAsymmetric(key.type)) return `${what}, which cannot sign a certificate`;
    if (key.role !== 'sign') return `${what} with the role ${key.role}; a certificate needs a key with the role sign`;
  }
  if (step.action === 'export-bundle' && key.role !== 'wrap-only-export') {
    return `${what} with the role ${key.role}, which never leaves the token; only keys generated with the role wrap-only-export can be exported in a bundle`;
  }
  if (step.action === 'backup-key' && key.role !== 'wrap-only-export') {
    return `${what} with the role ${key.role}, which never leaves the token; only keys generated with the role wrap-only-export can be backed up`;
  }
  return null;
}

/** The bundle's signer must be an EC P-256 or P-384 signing key made earlier in the script (the root key the ops side pins). */
function signingKeyProblem(label: string, key: MadeKey | undefined, i: number, steps: readonly ScriptStep[]): string | null {
  if (!key) return `no earlier step generates a signing key labelled "${label}"; bundles are signed by the root key this ceremony generates`;
  if (key.step >= i) return `the signing key "${label}" is generated later, by ${stepRef(steps, key.step)}; move this step after it`;
  if ((key.type !== 'ec-p256' && key.type !== 'ec-p384') || key.role !== 'sign') {
    return `the key "${label}" (${stepRef(steps, key.step)}) is ${TYPE_NAMES[key.type]} with the role ${key.role}; bundles are signed by an EC P-256 or P-384 key with the role sign`;
  }
  return null;
}

export function keyProblems(steps: readonly ScriptStep[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const made = new Map<string, MadeKey>();

  steps.forEach((step, i) => {
    if (step.action === 'generate-key' || step.action === 'restore-key') {
      const roles = ROLES_FOR_TYPE[step.params.type];
      if (!roles.includes(step.params.role)) {
        problems.push({ path: ['steps', i, 'params', 'role'], message: `${TYPE_NAMES[step.params.type]} can have the role ${roles.join(' or ')}; found ${step.params.role}` });
      }
    }
    if (step.action === 'restore-key' && step.params.fingerprint !== undefined && !isAsymmetric(step.params.type)) {
      problems.push({ path: ['steps', i, 'params', 'fingerprint'], message: `${TYPE_NAMES[step.params.type]} has no public key, so no fingerprint; remove it` });
    }
    if (step.action === 'backup-key' && step.params.backupKeyLabel === step.params.label) {
      problems.push({ path: ['steps', i, 'params', 'backupKeyLabel'], message: `the backup key needs a label of its own, not "${step.params.label}", the label of the key it backs up` });
      return;
    }
    for (const m of keysMadeBy(step, i)) {
      const earlier = made.get(m.label);
      if (earlier) {
        problems.push({ path: m.path, message: `the key label "${m.label}" is already used by ${stepRef(steps, earlier.step)}; a label is never reused, choose another` });
      } else {
        made.set(m.label, m.key);
      }
    }
  });

  steps.forEach((step, i) => {
    if (!usesKey(step)) return;
    if (step.action === 'backup-key' && step.params.backupKeyLabel === step.params.label) return;
    const { label, existing } = step.params;
    const key = made.get(label);
    if (step.action === 'export-bundle') {
      if (existing && step.params.type === undefined) problems.push({ path: ['steps', i, 'params', 'type'], message: `the existing key "${label}" needs its type, since no step of this script generates it` });
      const signer = signingKeyProblem(step.params.signingKey, made.get(step.params.signingKey), i, steps);
      if (signer) problems.push({ path: ['steps', i, 'params', 'signingKey'], message: signer });
    }
    if (existing) {
      if (key) {
        problems.push({ path: ['steps', i, 'params', 'existing'], message: `the key "${label}" is generated by ${stepRef(steps, key.step)} in this script, so it is not an existing key; remove existing: true` });
      }
      return;
    }
    if (!key) {
      problems.push({ path: ['steps', i, 'params', 'label'], message: `no earlier step generates a key labelled "${label}"; generate it first, or set existing: true if it is already on the token` });
      return;
    }
    if (key.step >= i) {
      problems.push({ path: ['steps', i, 'params', 'label'], message: `the key "${label}" is generated later, by ${stepRef(steps, key.step)}; move this step after it` });
      return;
    }
    const problem = fitProblem(step, label, key, steps);
    if (problem) problems.push({ path: ['steps', i, 'params', 'label'], message: problem });
  });
  return problems;
}
