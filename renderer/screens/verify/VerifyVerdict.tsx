// The verdict, large enough to read from the back of the room: VERIFIED or NOT VERIFIED
// in words and with an icon, the ceremony it is about, the rehearsal mark, the first
// failure named (entry or file, and why), and the final hash to compare aloud.
import type { CeremonyVerification, FolderFailureView } from '../../../preload/contract';
import { Banner, Fingerprint, Icon } from '../../design';

/** "Entry 7 (step-completed)" or "File shares/a.json" or "The folder". */
export function failureSubject(failure: FolderFailureView): string {
  if (failure.entrySeq !== null) return `Entry ${failure.entrySeq}${failure.entryType ? ` (${failure.entryType})` : ''}`;
  if (failure.file !== null) return `File ${failure.file}`;
  return 'The folder';
}

export function VerifyVerdict({ result }: { result: CeremonyVerification }) {
  const failure = result.firstFailure;
  const about = result.ceremonyId ? `${result.ceremonyId}${result.title ? ` — ${result.title}` : ''}` : result.directory;
  return (
    <section className="verify-verdict" aria-labelledby="verify-verdict-title" data-testid="verify-verdict">
      <Banner
        tone={result.ok ? 'pass' : 'fail'}
        className={result.ok ? 'verify-verdict__banner verify-verdict__banner--ok' : 'verify-verdict__banner verify-verdict__banner--fail'}
        title={
          <span id="verify-verdict-title" className="verify-verdict__word" data-testid="verify-word">
            {result.ok ? 'VERIFIED' : 'NOT VERIFIED'}
          </span>
        }
      >
        <p className="verify-verdict__about" data-testid="verify-about">
          {about}
          {result.rehearsal ? <span className="verify-verdict__rehearsal-word"> (REHEARSAL)</span> : null}
        </p>
        <p className="verify-verdict__folder">
          Folder <code>{result.directory}</code>
        </p>
        {failure ? (
          <div className="verify-failure" data-testid="verify-first-failure">
            <p className="verify-failure__label">First failure</p>
            <p className="verify-failure__subject" data-testid="verify-failure-subject">
              {failureSubject(failure)}
            </p>
            <p className="verify-failure__reason" data-testid="verify-failure-reason">
              {failure.reason}
            </p>
          </div>
        ) : null}
      </Banner>
      {result.rehearsal ? (
        <p className="verify-verdict__rehearsal" data-testid="verify-rehearsal">
          <Icon name="warn" className="verify-verdict__rehearsal-icon" />
          REHEARSAL — this ceremony was a rehearsal on a rehearsal token; its keys guard nothing.
        </p>
      ) : null}
      {result.finalHash ? (
        <div data-testid="verify-final-hash">
          <Fingerprint label="Final hash (the sealed entry)" hex={result.finalHash.hex} words={result.finalHash.words} />
        </div>
      ) : (
        <p className="verify-verdict__nohash" data-testid="verify-no-final-hash">
          No final hash: the transcript did not verify as far as its seal.
        </p>
      )}
    </section>
  );
}
