// Step 1: the pinned root public key. Its fingerprint is shown as hex and as six words;
// the operator compares the words with the ones the ceremony team published (read out,
// printed in the report) and confirms them explicitly before anything else opens.
import { useState, type FormEvent } from 'react';
import { Button, Card, Fingerprint, StatusBadge, TextField } from '../../design';
import { useImport } from '../../stores/import-context';
import { isAbsolutePath } from '../quorum/shared/envelope-source';
import { StepError } from './StepError';

export function RootKeyStep() {
  const root = useImport((s) => s.view?.root ?? null);
  const pending = useImport((s) => s.pending);
  const pinRoot = useImport((s) => s.pinRoot);
  const confirmRoot = useImport((s) => s.confirmRoot);
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [compared, setCompared] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = path.trim();
    const found = !value ? 'Type the path of the root public key file.' : isAbsolutePath(value) ? null : `"${value}" is not a full path. Type it from the root.`;
    setProblem(found);
    if (found) return;
    setCompared(false);
    await pinRoot(value);
  };

  return (
    <Card
      title="1. Root public key"
      icon="lock"
      subtitle="The root key the ceremony published (root-public.pem). Only bundles signed by this key are accepted."
      actions={root?.confirmed ? <StatusBadge tone="pass" label="Confirmed" /> : root ? <StatusBadge tone="warn" label="Not confirmed yet" /> : undefined}
    >
      <form className="import-form" onSubmit={(e) => void submit(e)} noValidate data-testid="import-root-form">
        <TextField
          label="Root public key file"
          hint="A PEM file with one public key, for example /media/ops/ceremony-2026/root-public.pem."
          value={path}
          onChange={(e) => setPath(e.target.value)}
          error={problem}
          autoComplete="off"
          spellCheck={false}
          disabled={pending !== null}
          data-testid="import-root-path"
        />
        <div className="import-form__actions">
          <Button type="submit" variant={root ? 'secondary' : 'primary'} icon="lock" busy={pending === 'root'} busyLabel="Reading the key" data-testid="import-root-pin">
            {root ? 'Pin another key' : 'Pin this key'}
          </Button>
        </div>
      </form>
      <StepError steps={['root', 'confirm']} title="The root key was not accepted" />
      {root ? (
        <div className="import-root" data-testid="import-root">
          <Fingerprint label={`SHA-256 of the root public key (${root.curve}), ${root.path}`} hex={root.fingerprint.hex} words={root.fingerprint.words} className="import-root__fingerprint" />
          {root.confirmed ? (
            <p className="import-root__confirmed" data-testid="import-root-confirmed">
              You confirmed that these words match the ones the ceremony team published.
            </p>
          ) : (
            <div className="import-root__confirm">
              <label className="choice">
                <input type="checkbox" checked={compared} onChange={(e) => setCompared(e.target.checked)} data-testid="import-root-compared" />
                <span>I compared these six words, in order, with the root key fingerprint the ceremony team published, and they are the same.</span>
              </label>
              <Button variant="primary" icon="pass" disabled={!compared} busy={pending === 'confirm'} busyLabel="Confirming" onClick={() => void confirmRoot()} data-testid="import-root-confirm">
                Confirm the root key
              </Button>
            </div>
          )}
        </div>
      ) : null}
    </Card>
  );
}
