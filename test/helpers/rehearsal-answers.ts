// The rehearsal answers file (DIR/rehearsal-answers.json, docs/ceremony-runner.md) as the
// tests read it: the participants' passphrases and the throwaway tokens' first PINs, which
// must never appear in anything else a rehearsal writes.
import { readFileSync } from 'node:fs';
import type { SecretTracker } from './secret-scan';

export interface RehearsalAnswers {
  custodians: Record<string, { passphrase: string }>;
  witnesses: Record<string, { passphrase: string }>;
  rehearsalToken: { soPin: string; userPin: string };
  rehearsalRecipient: { label: string; soPin: string; userPin: string };
}

export function readRehearsalAnswers(path: string): RehearsalAnswers {
  return JSON.parse(readFileSync(path, 'utf8')) as RehearsalAnswers;
}

/** Adds every passphrase and PIN the answers file holds to `secrets`. */
export function trackRehearsalSecrets(secrets: SecretTracker, answers: RehearsalAnswers): void {
  for (const [name, c] of Object.entries(answers.custodians)) secrets.add(`passphrase of ${name}`, c.passphrase);
  for (const [name, w] of Object.entries(answers.witnesses)) secrets.add(`passphrase of witness ${name}`, w.passphrase);
  secrets.add('first SO PIN', answers.rehearsalToken.soPin);
  secrets.add('first user PIN', answers.rehearsalToken.userPin);
  secrets.add('recipient SO PIN', answers.rehearsalRecipient.soPin);
  secrets.add('recipient user PIN', answers.rehearsalRecipient.userPin);
}
