// The end of a ceremony: sealed (the final hash as words and hex, and the folder's
// reports and SHA256SUMS, or why finalizing failed and a way to try again), or aborted.
import type { CeremonyView } from '../../../preload/contract';
import { Banner, Button, Card, ErrorBanner, Fingerprint, Progress } from '../../design';
import { formatUtcTime } from '../../format';
import { useCeremony } from '../../stores/ceremony-context';

export function SealedSummary({ view }: { view: CeremonyView }) {
  const finalize = useCeremony((s) => s.finalize);
  const pending = useCeremony((s) => s.pending);
  const sealed = view.sealed;
  if (view.status === 'aborted') {
    return (
      <div data-testid="ceremony-aborted">
        <Banner tone="fail" title="The ceremony was aborted">
          <p>Its transcript in {view.directory} records what happened and why. A new ceremony starts in another folder.</p>
        </Banner>
      </div>
    );
  }
  if (!sealed) return null;
  return (
    <Card title="Sealed" icon="pass" subtitle={`Sealed at ${formatUtcTime(sealed.sealedAt, true)}. Nothing can be added to this transcript.`} className="sealed-summary">
      <div data-testid="ceremony-sealed" data-finalized={String(sealed.finalized)}>
        <Fingerprint label="Final transcript hash" hex={sealed.finalHash.hex} words={sealed.finalHash.words} />
        {sealed.finalized ? (
          <>
            <p>The ceremony folder is complete: the report, its PDF and SHA256SUMS were written.</p>
            <ul className="sealed-summary__files" data-testid="sealed-outputs">
              {sealed.outputs.map((path) => (
                <li key={path} className="mono">
                  {path}
                </li>
              ))}
            </ul>
            <p className="step-card__note">
              Anyone can check it later with <code>npx conclave verify {view.directory}</code>, or on the “Verify a ceremony” screen.
            </p>
          </>
        ) : !sealed.finalizeError ? (
          <Progress label="Writing report.html, report.pdf and SHA256SUMS into the ceremony folder" />
        ) : (
          <ErrorBanner
            title="The folder could not be finalized"
            error={sealed.finalizeError}
            actions={
              <Button variant="primary" busy={pending === 'finalize'} onClick={() => void finalize()} data-testid="finalize-again">
                Finalize again
              </Button>
            }
          />
        )}
      </div>
    </Card>
  );
}
