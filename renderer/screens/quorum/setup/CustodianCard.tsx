// One custodian at a time, large and calm: choose a passphrase (typed twice), seal,
// save the envelope to their media, compare the fingerprint and print the QR, then prove
// receipt by opening the saved envelope with the passphrase. Passphrases live only in
// this component's state, and only until the button that sends them is pressed.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { QuorumSetupView } from '../../../../preload/contract';
import { Banner, Button, ErrorBanner, Fingerprint, Icon, StatusBadge, TextField, cx } from '../../../design';
import { useQuorumSetup } from '../../../stores/quorum-context';
import { failedProofsOf, type SetupFailure, type SetupOperation } from '../../../stores/quorum-setup-store';
import { useStatus } from '../../../stores/status-context';
import { emptySource, isAbsolutePath } from '../shared/envelope-source';
import { EnvelopeSourceFields } from '../shared/EnvelopeSourceFields';
import { useEnvelopeEntry } from '../shared/use-envelope-entry';
import { passphraseHint } from '../shared/passphrase-hint';
import { QrCard } from './QrCard';

type SetupCustodian = QuorumSetupView['custodians'][number];

function Step({ number, title, state, children }: { number: number; title: string; state: 'done' | 'now' | 'later'; children?: ReactNode }) {
  const word = state === 'done' ? 'Done' : state === 'now' ? 'Now' : 'Later';
  return (
    <section className={cx('step', `step--${state}`)} aria-current={state === 'now' ? 'step' : undefined} data-testid={`step-${number}`} data-state={state}>
      <h3 className="step__title">
        <span className="step__number" aria-hidden="true">
          {state === 'done' ? <Icon name="pass" /> : number}
        </span>
        <span>{title}</span>
        <span className="visually-hidden">({word})</span>
      </h3>
      {state === 'later' ? null : <div className="step__body">{children}</div>}
    </section>
  );
}

function StepFailure({ failure, index, operations, title }: { failure: SetupFailure | null; index: number; operations: SetupOperation[]; title: string }) {
  if (!failure || failure.index !== index || !operations.includes(failure.operation)) return null;
  return <ErrorBanner title={title} error={failure.error} className="step__error" />;
}

function SealStep({ custodian }: { custodian: SetupCustodian }) {
  const seal = useQuorumSetup((s) => s.seal);
  const sealing = useQuorumSetup((s) => s.pending.seal);
  const failure = useQuorumSetup((s) => s.failure);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const hint = passphraseHint(passphrase, repeat, custodian.name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!passphrase) return setProblem('Type a passphrase first.');
    if (passphrase !== repeat) {
      setPassphrase('');
      setRepeat('');
      return setProblem('The two entries differed, so both were cleared. Type the passphrase again, twice.');
    }
    setProblem(null);
    const typed = passphrase;
    const typedAgain = repeat;
    setPassphrase('');
    setRepeat('');
    await seal(custodian.index, typed, typedAgain);
  };

  return (
    <form className="step__form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="step__lead">
        {custodian.name}, choose a passphrase only you will know. Everyone else, please look away from the screen and keyboard.
      </p>
      <TextField
        label="Passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        disabled={sealing}
        data-testid="passphrase"
      />
      <TextField
        label="The same passphrase again"
        type="password"
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        disabled={sealing}
        error={problem}
        data-testid="passphrase-repeat"
      />
      <p className={cx('strength', `strength--${hint.tone}`)} data-testid="passphrase-hint" aria-live="polite">
        <Icon name={hint.tone === 'pass' ? 'pass' : hint.tone === 'warn' ? 'warn' : 'info'} />
        <span>{hint.text}</span>
      </p>
      <StepFailure failure={failure} index={custodian.index} operations={['seal']} title={`${custodian.name}’s envelope could not be sealed`} />
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={sealing} busyLabel="Sealing (about a second)" data-testid="seal">
          Seal {custodian.name}’s envelope
        </Button>
      </div>
    </form>
  );
}

function SaveStep({ custodian }: { custodian: SetupCustodian }) {
  const save = useQuorumSetup((s) => s.save);
  const saving = useQuorumSetup((s) => s.pending.save);
  const failure = useQuorumSetup((s) => s.failure);
  const media = useStatus((s) => s.snapshot?.room.checks.find((c) => c.id === 'removable-media') ?? null);
  const [directory, setDirectory] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const path = directory.trim();
    if (!path) return setProblem(`Type the folder on ${custodian.name}’s USB stick (or another folder) where the envelope goes.`);
    if (!isAbsolutePath(path)) return setProblem(`"${path}" is not a full path. Type it from the root, for example /media/${custodian.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}/SHARE.`);
    setProblem(null);
    await save(custodian.index, path);
  };

  return (
    <form className="step__form" onSubmit={(e) => void submit(e)} noValidate>
      <TextField
        label="Folder to save the envelope in"
        hint={`Insert ${custodian.name}’s USB stick; it appears under /media or /run/media. The file is never overwritten.`}
        value={directory}
        onChange={(e) => setDirectory(e.target.value)}
        error={problem}
        autoComplete="off"
        spellCheck={false}
        disabled={saving}
        data-testid="save-directory"
      />
      {media ? (
        <p className="step__media" data-testid="removable-media">
          <StatusBadge tone={media.status === 'pass' ? 'pass' : 'warn'} label="Removable media" /> {media.reason}
        </p>
      ) : null}
      <StepFailure failure={failure} index={custodian.index} operations={['save']} title={`${custodian.name}’s envelope could not be saved`} />
      <div className="step__actions">
        <Button type="submit" variant="primary" busy={saving} busyLabel="Saving and reading back" data-testid="save">
          Save envelope
        </Button>
      </div>
    </form>
  );
}

function SavedFacts({ custodian }: { custodian: SetupCustodian }) {
  return (
    <dl className="kv step__saved" data-testid="saved-to">
      <div className="kv__row">
        <dt className="kv__key">Saved to</dt>
        <dd className="kv__value mono">{custodian.savedTo}</dd>
      </div>
      {custodian.savedSha256 ? (
        <div className="kv__row">
          <dt className="kv__key">Read back, SHA-256</dt>
          <dd className="kv__value mono">{custodian.savedSha256}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function ProveStep({ custodian }: { custodian: SetupCustodian }) {
  const prove = useQuorumSetup((s) => s.prove);
  const proving = useQuorumSetup((s) => s.pending.prove);
  const failure = useQuorumSetup((s) => s.failure);
  const failedProofs = useQuorumSetup((s) => failedProofsOf(s, custodian.index));
  const { source, setSource, passphrase, setPassphrase, problem, passphraseProblem, take } = useEnvelopeEntry(
    () => emptySource('file', custodian.savedTo ?? ''),
    'Type your passphrase.',
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const entry = take();
    if (!entry) return;
    await prove(custodian.index, entry.source, entry.passphrase);
  };

  return (
    <form className="step__form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="step__lead">
        {custodian.name}, open your envelope as you would at a later ceremony: from the saved file, a picture of the QR, or its text, with your passphrase.
      </p>
      <EnvelopeSourceFields value={source} onChange={setSource} problem={problem} testId="prove" disabled={proving} />
      <TextField
        label="Your passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        error={passphraseProblem}
        autoComplete="off"
        spellCheck={false}
        disabled={proving}
        data-testid="prove-passphrase"
      />
      {failedProofs > 0 ? (
        <p className="step__attempts" data-testid="failed-proofs">
          <StatusBadge tone="warn" label={`${failedProofs} wrong passphrase${failedProofs === 1 ? '' : 's'} so far`} />
        </p>
      ) : null}
      <StepFailure failure={failure} index={custodian.index} operations={['prove']} title={`${custodian.name}’s envelope did not open`} />
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={proving} busyLabel="Opening (about a second)" data-testid="prove">
          Open my envelope
        </Button>
      </div>
    </form>
  );
}

export interface CustodianCardProps {
  view: QuorumSetupView;
  index: number;
  /** The next custodian still to prove receipt, if any. */
  next: SetupCustodian | null;
  onNext: (index: number) => void;
}

export function CustodianCard({ view, index, next, onNext }: CustodianCardProps) {
  const custodian = view.custodians.find((c) => c.index === index);
  const qr = useQuorumSetup((s) => s.qr);
  const loadQr = useQuorumSetup((s) => s.loadQr);
  const failure = useQuorumSetup((s) => s.failure);
  const rehearsal = useStatus((s) => s.snapshot?.rehearsal.active ?? false);
  const sealed = custodian?.sealed ?? false;

  useEffect(() => {
    if (sealed) void loadQr(index);
  }, [sealed, index, loadQr]);

  if (!custodian) return null;
  const saved = custodian.savedTo !== null;
  const stage = (done: boolean, reachable: boolean): 'done' | 'now' | 'later' => (done ? 'done' : reachable ? 'now' : 'later');

  return (
    <article className="custodian-card" aria-labelledby="custodian-card-title" data-testid="custodian-card" data-index={index}>
      <header className="custodian-card__header">
        <p className="custodian-card__position">
          Custodian {custodian.index} of {view.total}
          {custodian.group ? `, group ${custodian.group}` : ''}
        </p>
        <h2 id="custodian-card-title" className="custodian-card__name">
          {custodian.name}
        </h2>
      </header>

      <Step number={1} title="Choose a passphrase and seal" state={stage(sealed, true)}>
        {sealed ? <p>Sealed. The passphrase is not kept anywhere; only {custodian.name} knows it.</p> : <SealStep custodian={custodian} />}
      </Step>

      <Step number={2} title="Save the envelope" state={stage(saved, sealed)}>
        {saved ? <SavedFacts custodian={custodian} /> : <SaveStep custodian={custodian} />}
      </Step>

      <Step number={3} title="Compare the fingerprint, print the QR" state={stage(custodian.proven, saved)}>
        {custodian.fingerprint ? (
          <QrCard
            custodian={custodian.name}
            index={custodian.index}
            ceremonyId={view.ceremonyId}
            policySummary={view.policySummary}
            pngDataUrl={qr?.index === index ? qr.pngDataUrl : null}
            fingerprint={custodian.fingerprint}
            rehearsal={rehearsal}
          />
        ) : null}
        {failure?.operation === 'qr' && failure.index === index ? <ErrorBanner title="The QR code could not be drawn" error={failure.error} /> : null}
      </Step>

      <Step number={4} title="Confirm receipt" state={stage(custodian.proven, saved)}>
        {custodian.proven ? (
          <Banner tone="pass" title={`${custodian.name} opened their envelope: receipt proven`}>
            <p>Keep the USB stick and the printed card apart, somewhere only {custodian.name} can reach.</p>
          </Banner>
        ) : (
          <ProveStep key={custodian.savedTo ?? ''} custodian={custodian} />
        )}
      </Step>

      {custodian.proven ? (
        <div className="custodian-card__next">
          {next ? (
            <Button variant="primary" icon="chevron-right" onClick={() => onNext(next.index)} data-testid="next-custodian">
              Next custodian: {next.name}
            </Button>
          ) : (
            <p className="custodian-card__all">Every custodian has proven receipt. Complete the setup below.</p>
          )}
        </div>
      ) : null}
    </article>
  );
}
