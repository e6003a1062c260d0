// The token a bundle is imported into, found by its label (command line) or its slot (the
// app's token list), and the facts the import record keeps about it. A token that cannot
// take a login (absent, uninitialized, no user PIN, PIN locked, write-protected) is
// refused before anyone types a PIN; a low PIN count is passed on as a warning.
import type { ModuleInfo, TokenFacts } from '../../../preload/contract';
import { importError } from './errors';
import type { ImportHsm } from './import-hsm';

export interface TargetToken {
  slotId: string;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  firmwareVersion: string;
  /** Said before the PIN is asked for: one more wrong PIN may lock the token. */
  warning: string | null;
}

export interface TargetModule {
  path: string;
  description: string;
  manufacturer: string;
  libraryVersion: string;
}

const REFUSED_STATES = new Set(['absent', 'uninitialized', 'user-pin-locked', 'user-pin-not-set', 'write-protected']);

function toTarget(facts: TokenFacts): TargetToken {
  const t = facts.token;
  if (!t || REFUSED_STATES.has(facts.state)) {
    throw importError(
      'IMPORT_TOKEN_NOT_READY',
      `The token${t ? ` "${t.label}"` : ''} in slot ${facts.slotId} cannot take the import: ${facts.stateDetail}`,
      'Prepare the token first (initialized, user PIN set and not locked, writable), or choose another token.',
    );
  }
  const warning =
    facts.state === 'user-pin-final-try'
      ? `The token "${t.label}" allows ONE more wrong user PIN before it locks.`
      : facts.state === 'user-pin-count-low'
        ? `The token "${t.label}" has seen wrong user PINs; only a few more are allowed before it locks.`
        : null;
  return { slotId: facts.slotId, label: t.label, manufacturer: t.manufacturer, model: t.model, serial: t.serial, firmwareVersion: t.firmwareVersion, warning };
}

/** The one token labelled exactly `label` in the loaded module. */
export async function targetByLabel(hsm: ImportHsm, label: string): Promise<TargetToken> {
  const tokens = await hsm.listTokens();
  const matches = tokens.filter((t) => t.token?.label === label);
  if (matches.length === 0) {
    const labels = tokens.flatMap((t) => (t.token ? [`"${t.token.label}"`] : []));
    throw importError(
      'IMPORT_TOKEN_NOT_FOUND',
      `No token labelled "${label}" is present in the PKCS#11 module (${labels.length > 0 ? `tokens present: ${labels.join(', ')}` : 'no token is present'}).`,
      'Connect the target HSM or token, check its label with "conclave tokens --module PATH", and give it exactly.',
    );
  }
  if (matches.length > 1) {
    throw importError(
      'IMPORT_TOKEN_AMBIGUOUS',
      `${matches.length} tokens are labelled "${label}" (slots ${matches.map((m) => m.slotId).join(', ')}).`,
      'Disconnect the tokens that are not the target, or relabel them, so the label names one token.',
    );
  }
  return toTarget(matches[0]!);
}

/** The token in `slotId`, as the app's token list named it. */
export async function targetBySlot(hsm: ImportHsm, slotId: string): Promise<TargetToken> {
  const found = (await hsm.listTokens()).find((t) => t.slotId === slotId);
  if (!found) {
    throw importError('IMPORT_TOKEN_NOT_FOUND', `There is no slot ${slotId} in the PKCS#11 module any more.`, 'Refresh the token list and choose the target token again.');
  }
  return toTarget(found);
}

export function targetModule(info: ModuleInfo): TargetModule {
  return { path: info.path, description: info.libraryDescription, manufacturer: info.manufacturer, libraryVersion: info.libraryVersion };
}
