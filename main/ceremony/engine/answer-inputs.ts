// CeremonyInputs backed by an answers file: each call returns a fresh copy of the secret
// (the engine overwrites what it is given).
import { encodePassphrase } from '../../quorum/passphrase-policy';
import type { Answers } from './answers';
import type { CeremonyInputs } from './context';

export function inputsFromAnswers(answers: Answers): CeremonyInputs {
  const bytes = (s: string) => new TextEncoder().encode(s);
  return {
    custodianPassphrase: (name) => {
      const c = answers.custodians[name];
      return c ? encodePassphrase(c.passphrase) : null;
    },
    custodianEnvelope: (name) => answers.custodians[name]?.envelope ?? null,
    loginCustodians: () => answers.loginCustodians ?? null,
    witnessKey: (name) => {
      const w = answers.witnesses[name];
      return w ? { keyFile: w.keyFile, passphrase: encodePassphrase(w.passphrase) } : null;
    },
    rehearsalTokenPins: () => (answers.rehearsalToken ? { soPin: bytes(answers.rehearsalToken.soPin), userPin: bytes(answers.rehearsalToken.userPin) } : null),
    quorumRecordPath: () => answers.quorumRecord ?? null,
  };
}
