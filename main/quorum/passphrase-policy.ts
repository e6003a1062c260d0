// The minimum strength of a custodian's passphrase, and how a passphrase becomes bytes.
// The rules (docs/share-envelope.md, "Passphrases"): at least 12 characters; more than
// one kind of character (lower case, upper case, digits, other) unless 20 or more; not
// containing the custodian's name; not built on one of the most common passwords; and a
// rough entropy estimate of at least 50 bits, counting repeated patterns, runs such as
// "abcd" or "4321", and repeated characters as nearly free. Reasons say what to change
// and never repeat the passphrase.

export const MIN_LENGTH = 12;
export const SINGLE_CLASS_MIN_LENGTH = 20;
export const MAX_LENGTH = 1024;
export const MIN_ENTROPY_BITS = 50;

/** The bytes a passphrase is used as: UTF-8 of its NFC normalization (the same on every keyboard and OS). */
export function encodePassphrase(passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

// Bases of the most common passwords (from public breach-frequency lists), lower case.
// A passphrase that is one of these plus a short decoration ("Password123!") is refused.
const COMMON = [
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'asdfgh', 'asdfghjkl', 'zxcvbnm', '1q2w3e4r', '1qaz2wsx',
  'qazwsx', '123456', '1234567890', '0987654321', '111111', '123123', 'abc123', 'iloveyou', 'letmein', 'welcome', 'monkey',
  'dragon', 'football', 'baseball', 'master', 'sunshine', 'princess', 'shadow', 'superman', 'batman', 'trustno1', 'admin',
  'administrator', 'login', 'secret', 'changeme', 'default', 'starwars', 'whatever', 'freedom', 'michael', 'jennifer', 'jordan',
  'hunter', 'ranger', 'summer', 'winter', 'spring', 'autumn', 'computer', 'internet', 'access', 'master', 'killer', 'pokemon',
  'liverpool', 'chelsea', 'arsenal', 'soccer', 'hockey', 'charlie', 'michelle', 'jessica', 'ashley', 'nicole', 'daniel',
  'thomas', 'matrix', 'mustang', 'harley', 'cookie', 'flower', 'hello', 'helloworld', 'loveme', 'lovely', 'angel', 'ninja',
  'azerty', 'solo', 'zaq12wsx', 'passport', 'correct horse battery staple', 'correcthorsebatterystaple', 'conclave', 'ceremony',
  'custodian', 'quorum', 'passphrase', 'mypassword', 'ourpassword', 'letmein123', 'opensesame', 'goodluck', 'trustme',
];

type Result = { ok: true } | { ok: false; reason: string };

function classesOf(text: string): { lower: boolean; upper: boolean; digit: boolean; other: boolean } {
  return {
    lower: /\p{Ll}/u.test(text),
    upper: /\p{Lu}/u.test(text),
    digit: /\p{Nd}/u.test(text),
    other: /[^\p{Ll}\p{Lu}\p{Nd}]/u.test(text),
  };
}

/** Shortest unit the text is a repetition of ("abcabcab" → 3); the length when it does not repeat. */
function period(chars: string[]): number {
  for (let p = 1; p <= chars.length / 2; p++) {
    if (chars.every((c, i) => c === chars[i % p])) return p;
  }
  return chars.length;
}

/**
 * Rough entropy in bits: each character costs log2 of the alphabet its classes suggest,
 * except characters that repeat the previous one, continue a run (next or previous code
 * point), or were seen before, which cost 1 bit, 1 bit and half, respectively. A text that
 * is one unit repeated counts only the unit.
 */
export function estimateEntropyBits(passphrase: string): number {
  const all = [...passphrase.normalize('NFC')];
  const chars = all.slice(0, period(all));
  const k = classesOf(passphrase);
  const alphabet = (k.lower ? 26 : 0) + (k.upper ? 26 : 0) + (k.digit ? 10 : 0) + (k.other ? 33 : 0);
  const perChar = Math.log2(Math.max(alphabet, 2));
  const seen = new Set<string>();
  let bits = 0;
  chars.forEach((c, i) => {
    const prev = i > 0 ? chars[i - 1]! : null;
    const code = c.codePointAt(0)!;
    const prevCode = prev?.codePointAt(0);
    if (prev === c || (prevCode !== undefined && Math.abs(code - prevCode) === 1)) bits += 1;
    else if (seen.has(c.toLowerCase())) bits += perChar / 2;
    else bits += perChar;
    seen.add(c.toLowerCase());
  });
  return Math.round(bits);
}

function stripDecoration(text: string): string {
  return text.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/** Checks a custodian's passphrase against the minimum; the reason says what to change. */
export function checkPassphrase(passphrase: string, context: { custodianName: string }): Result {
  const text = passphrase.normalize('NFC');
  const length = [...text].length;
  if (length < MIN_LENGTH) return { ok: false, reason: `Use at least ${MIN_LENGTH} characters (this one has ${length}); a few unrelated words make a good passphrase.` };
  if (length > MAX_LENGTH) return { ok: false, reason: `Use at most ${MAX_LENGTH} characters (this one has ${length}).` };
  if (text.trim() !== text) return { ok: false, reason: 'Remove the spaces at the start or end; they are easy to forget when typing it later.' };
  const k = classesOf(text);
  const kinds = [k.lower, k.upper, k.digit, k.other].filter(Boolean).length;
  if (kinds < 2 && length < SINGLE_CLASS_MIN_LENGTH) {
    return { ok: false, reason: `Mix in another kind of character (capitals, digits, spaces or symbols), or make it at least ${SINGLE_CLASS_MIN_LENGTH} characters long.` };
  }
  const folded = text.toLocaleLowerCase('en-US');
  const nameParts = context.custodianName
    .normalize('NFC')
    .toLocaleLowerCase('en-US')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => [...part].length >= 3);
  const compact = folded.replace(/[^\p{L}\p{N}]+/gu, '');
  const fullName = context.custodianName.normalize('NFC').toLocaleLowerCase('en-US').replace(/[^\p{L}\p{N}]+/gu, '');
  if (nameParts.some((part) => folded.includes(part)) || (fullName.length >= 3 && compact.includes(fullName))) {
    return { ok: false, reason: 'Leave your name out of the passphrase; it is the first thing someone would try.' };
  }
  const core = stripDecoration(folded);
  const squeezed = folded.replace(/[\s_.-]+/g, '');
  for (const common of COMMON) {
    const c = common.replace(/\s+/g, '');
    const leftover = compact.replace(c, '');
    if (folded === common || squeezed === c || core === common || (compact.includes(c) && [...leftover].length < 8)) {
      return { ok: false, reason: 'This is built on one of the most common passwords; choose unrelated words of your own.' };
    }
  }
  const bits = estimateEntropyBits(text);
  if (bits < MIN_ENTROPY_BITS) {
    return {
      ok: false,
      reason: `This is too predictable (about ${bits} bits; at least ${MIN_ENTROPY_BITS} are needed): avoid repeats, runs like "abcd" or "1234", and make it longer or add unrelated words.`,
    };
  }
  return { ok: true };
}
