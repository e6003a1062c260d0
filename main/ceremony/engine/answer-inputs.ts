// CeremonyInputs backed by an answers file: each call returns a fresh copy of the secret
// (the engine overwrites what it is given). A witness token's PIN is never in the file:
// it is read from the environment variable the file names, at the moment it is needed.
import { encodePassphrase } from '../../quorum/passphrase-policy';
import type { Answers } from './answers';
import type { CeremonyInputs } from './context';
import { engineError } from './errors';

export function inputsFromAnswers(answers: Answers, env: NodeJS.ProcessEnv = process.env): CeremonyInputs {
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
      return w?.keyFile && w.passphrase ? { keyFile: w.keyFile, passphrase: encodePassphrase(w.passphrase) } : null;
    },
    witnessToken: (name) => {
      const w = answers.witnesses[name];
      if (!w?.pkcs11) return null;
      const { module, tokenLabel, keyLabel, pinEnv } = w.pkcs11;
      const pin = env[pinEnv];
      if (!pin) {
        throw engineError('WITNESS_PIN_MISSING', `The environment variable ${pinEnv}, which the answers name for the PIN of ${name}'s token, is not set.`, `Set ${pinEnv} to the user PIN of the token "${tokenLabel}" in the environment of this command, then run it again.`);
      }
      return { module, tokenLabel, keyLabel, pin: bytes(pin) };
    },
    backupFolder: () => answers.backup?.folder ?? null,
    backupCustodians: () => answers.backup?.custodians ?? null,
    backupPassphrase: (name) => {
      const c = answers.custodians[name];
      return c?.backupPassphrase ? encodePassphrase(c.backupPassphrase) : null;
    },
    backupEnvelope: (name) => answers.custodians[name]?.backupEnvelope ?? null,
    rehearsalTokenPins: () => (answers.rehearsalToken ? { soPin: bytes(answers.rehearsalToken.soPin), userPin: bytes(answers.rehearsalToken.userPin) } : null),
    quorumRecordPath: () => answers.quorumRecord ?? null,
    exportMedium: (stepId) => {
      const m = answers.media[stepId];
      return m ? { directory: m.directory, nonRemovableConfirmation: m.confirmNonRemovable ?? null } : null;
    },
  };
}
