// What the custodian sees while choosing a passphrase: the minimum main enforces, said up
// front, and how the typed passphrase measures against the plain rules of it (length,
// kinds of character, no name, no spaces at the ends; docs/share-envelope.md,
// "Passphrases"). Main has the final word (PASSPHRASE_WEAK, with its reason, also for
// common or predictable passphrases); this only says it sooner. Never stores what it reads.

export const MIN_PASSPHRASE_LENGTH = 12;
export const SINGLE_KIND_MIN_LENGTH = 20;

export interface PassphraseHint {
  tone: 'info' | 'warn' | 'pass';
  text: string;
}

export const PASSPHRASE_RULE = `At least ${MIN_PASSPHRASE_LENGTH} characters with two kinds of character (or ${SINGLE_KIND_MIN_LENGTH} of one kind), without your name. Four or more unrelated words are easy to remember and hard to guess.`;

function kinds(text: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((k) => k.test(text)).length;
}

function containsName(text: string, custodianName: string): boolean {
  const folded = text.normalize('NFC').toLocaleLowerCase('en-US');
  return custodianName
    .normalize('NFC')
    .toLocaleLowerCase('en-US')
    .split(/[^\p{L}\p{N}]+/u)
    .some((part) => [...part].length >= 3 && folded.includes(part));
}

export function passphraseHint(passphrase: string, repeat: string, custodianName: string): PassphraseHint {
  const text = passphrase.normalize('NFC');
  const length = [...text].length;
  if (length === 0) return { tone: 'info', text: PASSPHRASE_RULE };
  if (length < MIN_PASSPHRASE_LENGTH) return { tone: 'warn', text: `Too short: ${length} of at least ${MIN_PASSPHRASE_LENGTH} characters.` };
  if (text.trim() !== text) return { tone: 'warn', text: 'Remove the spaces at the start or end; they are easy to forget later.' };
  if (kinds(text) < 2 && length < SINGLE_KIND_MIN_LENGTH) {
    return { tone: 'warn', text: `Mix in another kind of character (capitals, digits, spaces or symbols), or make it ${SINGLE_KIND_MIN_LENGTH} characters long.` };
  }
  if (containsName(text, custodianName)) return { tone: 'warn', text: 'It contains your name. Choose words nobody would connect with you.' };
  if (repeat.length > 0 && repeat !== passphrase) return { tone: 'warn', text: 'The two entries differ. Type the same passphrase twice.' };
  if (repeat.length === 0) return { tone: 'info', text: `Meets the minimum (${length} characters). Now type it again below.` };
  return { tone: 'pass', text: `Meets the minimum (${length} characters) and both entries match.` };
}
