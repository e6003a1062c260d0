// The export-bundle step before it runs. First what leaves the token and for whom, as the
// script names it: the recipient (its public key's fingerprint as hex and words, for the
// room to compare with what the recipient sent, or the transport KEK's label), the key,
// its usage, version and how long the bundle stays valid. Then where a copy goes besides
// the ceremony folder: one of the removable media mounted now (with its label, size,
// serial and whether the step's allow-list names it), a folder typed by hand, or none. A
// folder on a fixed disk must be typed a second time; the engine checks which it is.
import { useEffect, useId, useState } from 'react';
import type { CeremonyMedia, CeremonyStepCard, CeremonyStepInputs } from '../../../preload/contract';
import { Banner, Button, ErrorBanner, Fingerprint, KeyValueList, StatusBadge, TextField } from '../../design';
import { formatBytes } from '../../format';
import { useCeremony } from '../../stores/ceremony-context';
import { isAbsolutePath } from './words';

export type ExportInputsView = Extract<CeremonyStepInputs, { kind: 'export-bundle' }>;
type Medium = CeremonyMedia['media'][number];

const RECIPIENT_KINDS: Record<ExportInputsView['recipient']['kind'], string> = {
  rsa: 'RSA public key (RSA-OAEP, or RSA-AES key wrap)',
  ec: 'EC public key (ECDH and AES key wrap)',
  'transport-kek': 'transport key-encryption key shared with its HSM (AES key wrap with padding)',
  'aws-kms': 'AWS KMS wrapping public key (import material)',
};

export function ExportSummary({ inputs }: { inputs: ExportInputsView }) {
  const { recipient: r, key } = inputs;
  return (
    <div className="export-summary" data-testid="export-summary">
      <h4 className="export__heading">What leaves the token, and for whom</h4>
      <KeyValueList
        items={[
          { key: 'recipient', label: 'Recipient', value: <span data-testid="export-recipient-name">{r.name}</span> },
          { key: 'kind', label: 'Wrapped to', value: RECIPIENT_KINDS[r.kind] },
          ...(r.kekLabel ? [{ key: 'kek', label: 'Transport KEK label', value: <span data-testid="export-kek-label">{r.kekLabel}</span>, mono: true }] : []),
          ...(r.awsKms ? [{ key: 'kms', label: 'AWS KMS', value: `${r.awsKms.wrappingAlgorithm}${r.awsKms.keyId ? `, key ${r.awsKms.keyId}` : ''}`, mono: true }] : []),
          { key: 'key', label: 'Key exported', value: <span data-testid="export-key">{`${key.label}${key.algorithm ? ` (${key.algorithm})` : ''}${key.existing ? ', already on the token' : ''}`}</span>, mono: true },
          { key: 'usage', label: 'Usage on the recipient’s side', value: key.usage, mono: true },
          { key: 'version', label: 'Key version', value: String(key.version), mono: true },
          { key: 'validity', label: 'Bundle valid for', value: `${inputs.validityDays} day${inputs.validityDays === 1 ? '' : 's'} from the export` },
          { key: 'signer', label: 'Signed inside the token by', value: inputs.signingKey, mono: true },
          { key: 'qr', label: 'QR codes', value: inputs.qr ? 'Frames and a printable sheet are written under qr/' : 'None written (the bundle can still be shown on screen)' },
          { key: 'allow', label: 'Media allowed', value: inputs.mediaAllowList ? `Only the serials ${inputs.mediaAllowList.join(', ')}` : 'Any removable medium' },
        ]}
      />
      {r.fingerprint ? (
        <div data-testid="export-recipient-fingerprint">
          <Fingerprint label={`Public key of ${r.name}, SHA-256: compare with what the recipient sent`} hex={r.fingerprint.hex} words={r.fingerprint.words} />
        </div>
      ) : null}
      {r.kind === 'transport-kek' ? (
        <p className="step-card__note">A transport key has no public key to compare: the bundle carries its check value, which the recipient’s HSM must match before it unwraps anything.</p>
      ) : null}
      {r.problem ? (
        <Banner tone="fail" title="The recipient’s public key cannot be read">
          <p>{r.problem}</p>
        </Banner>
      ) : null}
    </div>
  );
}

/** "Only the ceremony folder", a listed medium (by its mount point), or a folder typed by hand. */
type Choice = { kind: 'none' } | { kind: 'listed'; mountPoint: string } | { kind: 'typed' };

function mediumFacts(m: Medium): string {
  return [m.label ? `label "${m.label}"` : 'no label', formatBytes(m.sizeBytes), m.fsType, m.serial ? `serial ${m.serial}` : 'serial unknown', m.readOnly ? 'read-only' : null].filter(Boolean).join(', ');
}

/** Why a listed medium cannot be chosen, or null. */
function unusable(m: Medium): string | null {
  if (m.readOnly) return 'mounted read-only';
  if (m.allowed === false) return 'not on the step’s allow-list';
  return null;
}

function MediaList({ media, choice, onChoose, name }: { media: CeremonyMedia; choice: Choice; onChoose: (c: Choice) => void; name: string }) {
  if (!media.visible) return <p className="step-card__note">Conclave cannot read the mount table here, so it cannot list removable media; type the folder instead.</p>;
  if (media.media.length === 0) return <p className="step-card__note" data-testid="export-media-empty">No removable medium is mounted. Insert one and list the media again, or type a folder.</p>;
  return (
    <ul className="export-media" data-testid="export-media-list">
      {media.media.map((m, i) => {
        const why = unusable(m);
        return (
          <li key={`${m.device}-${m.mountPoint}`} className="export-media__item" data-testid={`export-medium-${i}`} data-allowed={String(m.allowed)}>
            <label className="choice">
              <input type="radio" name={name} disabled={why !== null} checked={choice.kind === 'listed' && choice.mountPoint === m.mountPoint} onChange={() => onChoose({ kind: 'listed', mountPoint: m.mountPoint })} />
              <span className="export-media__text">
                <strong className="export-media__name">{m.label ?? m.device}</strong>
                <span className="export-media__facts" data-testid="export-medium-facts">{mediumFacts(m)}</span>
                <span className="mono export-media__path">{m.mountPoint}</span>
              </span>
            </label>
            {m.allowed === null ? null : <StatusBadge tone={m.allowed ? 'pass' : 'fail'} label={m.allowed ? 'On the allow-list' : 'Not on the allow-list'} />}
            {why ? <span className="export-media__why">Cannot be chosen: {why}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function ExportMediumForm({ card }: { card: CeremonyStepCard }) {
  const perform = useCeremony((s) => s.perform);
  const pending = useCeremony((s) => s.pending);
  const media = useCeremony((s) => s.media);
  const listMedia = useCeremony((s) => s.listMedia);
  const [choice, setChoice] = useState<Choice>({ kind: 'none' });
  const [folder, setFolder] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const name = useId();

  useEffect(() => {
    void listMedia(card.id);
  }, [card.id, listMedia]);

  const listing = media?.step === card.id ? media : null;
  const confirmationDiffers = choice.kind === 'typed' && confirmation !== '' && confirmation !== folder;

  const submit = () => {
    setProblem(null);
    if (choice.kind === 'none') {
      void perform(card.id);
      return;
    }
    if (choice.kind === 'listed') {
      if (listing?.value && !listing.value.media.some((m) => m.mountPoint === choice.mountPoint)) {
        setProblem(`${choice.mountPoint} is no longer listed as mounted: choose the medium again.`);
        setChoice({ kind: 'none' });
        return;
      }
      void perform(card.id, { medium: { directory: choice.mountPoint } });
      return;
    }
    if (!isAbsolutePath(folder)) {
      setProblem('Give the full path of the folder, starting with "/".');
      return;
    }
    if (confirmationDiffers) {
      setProblem('The confirmation is not the folder typed above: type it again exactly, or leave it empty for a removable medium.');
      return;
    }
    void perform(card.id, { medium: confirmation ? { directory: folder, nonRemovableConfirmation: confirmation } : { directory: folder } });
  };

  const target = choice.kind === 'listed' ? choice.mountPoint : choice.kind === 'typed' ? folder : null;
  return (
    <div className="export-medium" data-testid="export-medium-form">
      <fieldset className="export-medium__choices">
        <legend>Where the bundle goes besides the ceremony folder</legend>
        <label className="choice">
          <input type="radio" name={name} checked={choice.kind === 'none'} onChange={() => setChoice({ kind: 'none' })} data-testid="export-medium-none" />
          <span>Only the ceremony folder (bundles/, and the QR frames under qr/)</span>
        </label>
        <div className="export-medium__listed">
          <div className="export-medium__listed-head">
            <span>Removable media mounted now</span>
            <Button variant="quiet" busy={listing?.loading === true} onClick={() => void listMedia(card.id)} data-testid="export-media-refresh">
              List the media again
            </Button>
          </div>
          {listing?.error ? <ErrorBanner title="The media could not be listed" error={listing.error} /> : null}
          {listing?.value ? <MediaList media={listing.value} choice={choice} onChoose={setChoice} name={name} /> : null}
        </div>
        <label className="choice">
          <input type="radio" name={name} checked={choice.kind === 'typed'} onChange={() => setChoice({ kind: 'typed' })} data-testid="export-medium-typed" />
          <span>Another folder, typed</span>
        </label>
        {choice.kind === 'typed' ? (
          <div className="export-medium__typed">
            <TextField label="Folder to copy the bundle into" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} autoComplete="off" data-testid="export-medium-folder" />
            <TextField
              label="Only for a fixed disk: type the folder again"
              hint="Leave this empty for a folder on a removable medium. A folder on a disk that is not removable is written only when it is typed here again, exactly; the transcript records that confirmation."
              value={confirmation}
              onChange={(e) => setConfirmation(e.target.value)}
              error={confirmationDiffers ? 'This is not the folder typed above.' : null}
              spellCheck={false}
              autoComplete="off"
              data-testid="export-medium-confirm"
            />
          </div>
        ) : null}
      </fieldset>
      {problem ? (
        <p className="field__error" role="alert" data-testid="export-medium-problem">
          {problem}
        </p>
      ) : null}
      <div className="step__actions">
        <Button variant="primary" busy={pending === 'perform'} busyLabel="Working: see the HSM activity" disabled={pending !== null && pending !== 'perform'} onClick={submit} data-testid="perform-step">
          {target ? 'Export the bundle and copy it to the medium' : 'Export the bundle'}
        </Button>
      </div>
    </div>
  );
}
