// An exception holds the ceremony until the administrator decides: retry the step, skip
// it with a written justification (refused for steps a verifiable ceremony needs), or
// abort. A modal dialog: nothing else can be done meanwhile, and Escape does not dismiss
// it. Whatever is decided is recorded with who decided.
import { useEffect, useRef, useState } from 'react';
import type { CeremonyExceptionView, CeremonyView } from '../../../preload/contract';
import { Button, ErrorBanner, Icon } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

export function ExceptionDialog({ view, exception }: { view: CeremonyView; exception: CeremonyExceptionView }) {
  const resolve = useCeremony((s) => s.resolve);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const dialog = useRef<HTMLDialogElement>(null);
  const [mode, setMode] = useState<'choose' | 'skip' | 'abort'>('choose');
  const [justification, setJustification] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const step = exception.step ? view.steps.find((s) => s.id === exception.step) : undefined;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => {
      if (element?.open) element.close();
    };
  }, []);

  const skip = async () => {
    if (!justification.trim()) return setProblem('Write why the step may be left out; the justification is recorded.');
    setProblem(null);
    await resolve('skip', justification.trim());
  };

  return (
    <dialog ref={dialog} className="exception-dialog" aria-labelledby="exception-title" onCancel={(e) => e.preventDefault()} data-testid="exception-dialog">
      <h2 id="exception-title" className="exception-dialog__title">
        <Icon name="fail" />
        <span>Exception{step ? ` at step ${step.index}: ${step.title}` : ''}</span>
      </h2>
      <p className="exception-dialog__reason" data-testid="exception-reason">
        {exception.reason}
      </p>
      <p className="exception-dialog__meta">
        Recorded as transcript entry {exception.seq}
        {exception.code ? (
          <>
            , code <code>{exception.code}</code>
          </>
        ) : null}
        . The ceremony waits until the administrator decides what happens next; the decision is recorded too.
      </p>
      {failure?.operation === 'resolve' ? <ErrorBanner title="That decision was refused" error={failure.error} /> : null}
      {mode === 'choose' ? (
        <div className="exception-dialog__choices">
          <Button variant="primary" icon="refresh" busy={pending === 'resolve'} disabled={pending !== null && pending !== 'resolve'} onClick={() => void resolve('retry')} data-testid="exception-retry">
            Retry the step
          </Button>
          <Button onClick={() => setMode('skip')} disabled={!exception.skippable || pending !== null} data-testid="exception-skip">
            Skip it, with a justification
          </Button>
          <Button onClick={() => setMode('abort')} disabled={pending !== null} data-testid="exception-abort">
            Abort the ceremony
          </Button>
          {!exception.skippable ? <p className="step-card__note">This step cannot be skipped: a ceremony without it cannot be verified.</p> : null}
        </div>
      ) : null}
      {mode === 'skip' ? (
        <div className="exception-dialog__skip">
          <div className="field">
            <label className="field__label" htmlFor="exception-justification">
              Why may this step be left out? (recorded)
            </label>
            {problem ? (
              <p className="field__error" id="exception-justification-error">
                {problem}
              </p>
            ) : null}
            <textarea
              id="exception-justification"
              className="field__input field__textarea"
              rows={3}
              maxLength={4000}
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'exception-justification-error' : undefined}
              data-testid="exception-justification"
            />
          </div>
          <div className="exception-dialog__choices">
            <Button variant="primary" busy={pending === 'resolve'} onClick={() => void skip()} data-testid="exception-skip-confirm">
              Skip the step
            </Button>
            <Button variant="quiet" onClick={() => setMode('choose')}>
              Back
            </Button>
          </div>
        </div>
      ) : null}
      {mode === 'abort' ? (
        <div className="exception-dialog__abort">
          <p>
            <strong>Aborting ends this ceremony for good.</strong> Its transcript stays as a record; a new ceremony starts in another folder.
          </p>
          <div className="exception-dialog__choices">
            <Button variant="primary" busy={pending === 'resolve'} onClick={() => void resolve('abort')} data-testid="exception-abort-confirm">
              Yes, abort the ceremony
            </Button>
            <Button variant="quiet" onClick={() => setMode('choose')}>
              Back
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
