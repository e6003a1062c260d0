// The witness's screen: what they are asked to sign (the checkpoint, or the seal), the
// entries it covers to read through, the hash as words and hex to compare with what the
// runner shows, and then their own key to sign with: a key file and its passphrase, or
// their own PKCS#11 token and its PIN.
import { useEffect } from 'react';
import type { CeremonyView, WitnessRequest } from '../../../preload/contract';
import { Banner, Button, Card, EmptyState, ErrorBanner, Fingerprint, StatusBadge } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { TranscriptViewer } from '../verify/TranscriptViewer';
import { WitnessSignForm } from './WitnessSignForm';

function Request({ view, request }: { view: CeremonyView; request: WitnessRequest }) {
  const review = useCeremony((s) => s.review);
  const loadReview = useCeremony((s) => s.loadReview);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const current = review && review.request.step === request.step && review.request.reviewHash === request.reviewHash ? review : null;

  // Fetched again whenever what would be signed changes; a failed fetch waits for the button.
  const needed = current === null;
  useEffect(() => {
    if (needed) void loadReview(request.step);
  }, [needed, request.step, request.reviewHash, loadReview]);

  const coverage =
    request.kind === 'seal'
      ? request.targetSeq === null
        ? `The seal covers entries 0 to ${request.upTo}; the seal entry is written when you sign, and you sign it.`
        : `The seal (entry ${request.targetSeq}) covers entries 0 to ${request.upTo}.`
      : `The checkpoint (entry ${request.targetSeq ?? '—'}) covers entries 0 to ${request.upTo}.`;

  return (
    <>
      <Card
        title={request.kind === 'seal' ? 'Sign the seal' : 'Sign the checkpoint'}
        icon="lock"
        subtitle={coverage}
        actions={<StatusBadge tone={request.ready ? 'info' : 'warn'} label={request.ready ? 'Ready to sign' : 'Not ready'} />}
      >
        <div data-testid="witness-request" data-kind={request.kind} data-ready={String(request.ready)}>
          <Fingerprint label={request.targetSeq === null ? `Hash of entry ${request.upTo}, the last one the seal covers` : `Hash of entry ${request.targetSeq}, which you sign`} hex={request.reviewHash} words={request.reviewWords} />
          <ul className="witness-signers">
            {request.signers.map((s) => (
              <li key={s.name} className="witness-signers__item" data-testid={`witness-signer-${s.name}`} data-signed={String(s.signed)}>
                <StatusBadge tone={s.signed ? 'pass' : 'unknown'} label={s.signed ? 'Signed' : 'Not signed yet'} />
                <span>{s.name}</span>
                <span className="mono witness-signers__key">
                  {s.keyKind === 'pkcs11' ? `token${s.tokenLabel ? ` "${s.tokenLabel}"` : ''}, ` : 'key file, '}key {s.keyFingerprint.slice(0, 16)}…
                </span>
              </li>
            ))}
          </ul>
          {request.blockedBy ? (
            <Banner tone="warn" title="Not ready for signing">
              <p data-testid="witness-blocked">{request.blockedBy}</p>
            </Banner>
          ) : null}
          {current && request.signers.some((s) => !s.signed) ? <WitnessSignForm key={`${request.step}-${request.reviewHash}`} request={request} reviewedHash={current.request.reviewHash} entriesShown /> : null}
        </div>
      </Card>
      {current ? (
        <TranscriptViewer entries={current.entries} entriesLeftOut={current.entriesLeftOut} failingSeq={null} />
      ) : (
        <div className="step__actions">
          {failure?.operation === 'review' ? <ErrorBanner title="The entries could not be loaded" error={failure.error} /> : null}
          <Button onClick={() => void loadReview(request.step)} busy={pending === 'review'} data-testid="witness-load-review">
            Show the entries to review
          </Button>
        </div>
      )}
      {view.rehearsal ? <p className="ceremony-rehearsal">REHEARSAL — this signature is part of a rehearsal ceremony</p> : null}
    </>
  );
}

export function WitnessScreen({ onOpenRunner }: { onOpenRunner: () => void }) {
  const view = useCeremony((s) => s.view);
  let body;
  if (!view) {
    body = <EmptyState title="No ceremony is open">Open or resume a ceremony on the ceremony screen; witnesses sign here when it reaches a signing step.</EmptyState>;
  } else if (!view.witness) {
    body = (
      <div data-testid="witness-nothing">
        <EmptyState
          title="Nothing to sign now"
          actions={
            <Button onClick={onOpenRunner} data-testid="open-runner">
              Back to the ceremony
            </Button>
          }
        >
          {view.status === 'sealed'
            ? 'The ceremony is sealed; every signature is in its transcript.'
            : view.current
              ? `The ceremony is at step ${view.current.index}: ${view.current.title}. Witnesses sign at the checkpoint-signing and seal steps.`
              : 'The ceremony has no current step.'}
        </EmptyState>
      </div>
    );
  } else {
    body = <Request view={view} request={view.witness} />;
  }
  return (
    <div className="witness-screen" data-testid="witness-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Witness review and signing</h1>
          <p className="page-header__meta">Read what you are asked to sign, compare its hash with the room, then sign it with your own key.</p>
        </div>
      </div>
      {body}
    </div>
  );
}
