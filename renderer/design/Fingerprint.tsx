// A fingerprint for people to compare aloud: upper-case hex in groups of four, eight
// groups a line, and, when given, the same digest as numbered words (easier to read
// across a room and to compare by voice than hex).
import { cx } from './classes';

/** Upper-case hex digits of `value`, ignoring separators such as ":" and spaces. */
export function normalizeHex(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export function groupHex(value: string, groupSize = 4): string[] {
  const hex = normalizeHex(value);
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += groupSize) groups.push(hex.slice(i, i + groupSize));
  return groups;
}

export interface FingerprintProps {
  /** Hex string (any separators). */
  hex: string;
  /** What the fingerprint is of, e.g. "SHA-256 of the root public key". */
  label: string;
  groupSize?: number;
  groupsPerLine?: number;
  /** The digest as words (BIP-39 English list), shown numbered under the hex. */
  words?: string[];
  className?: string;
}

export function Fingerprint({ hex, label, groupSize = 4, groupsPerLine = 8, words, className }: FingerprintProps) {
  const groups = groupHex(hex, groupSize);
  const lines: string[][] = [];
  for (let i = 0; i < groups.length; i += groupsPerLine) lines.push(groups.slice(i, i + groupsPerLine));
  return (
    <figure className={cx('fingerprint', className)}>
      <figcaption className="fingerprint__label">{label}</figcaption>
      <div className="fingerprint__hex" aria-label={`${label}: ${groups.join(' ')}`}>
        {lines.map((line, lineIndex) => (
          <div className="fingerprint__line" key={lineIndex}>
            {line.map((group, groupIndex) => (
              <span className="fingerprint__group" key={groupIndex}>
                {group}
              </span>
            ))}
          </div>
        ))}
      </div>
      {words && words.length > 0 ? (
        <ol className="fingerprint__words" aria-label={`${label} as words: ${words.join(' ')}`}>
          {words.map((word, index) => (
            <li className="fingerprint__word" key={index}>
              {word}
            </li>
          ))}
        </ol>
      ) : null}
    </figure>
  );
}
