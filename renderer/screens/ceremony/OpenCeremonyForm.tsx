// Opening a ceremony: the built-in rehearsal root ceremony (its witness named by their key
// file), a script file, or resuming one that stopped. A new ceremony writes a new (or
// empty) folder; main refuses anything else and says why.
import { useState, type FormEvent } from 'react';
import type { CeremonySource } from '../../../preload/contract';
import { Button, Card, ErrorBanner, TextField } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { isAbsolutePath } from './words';

type Kind = 'template' | 'script' | 'resume';

const KINDS: Array<{ kind: Kind; label: string; hint: string }> = [
  { kind: 'template', label: 'The built-in rehearsal root ceremony', hint: 'A 3-of-5 quorum set up on the spot, the root keys, one witness and the seal, on the throwaway rehearsal token.' },
  { kind: 'script', label: 'A ceremony script file', hint: 'A YAML or JSON script (docs/ceremony-script.md), checked strictly before anything is written.' },
  { kind: 'resume', label: 'Resume a ceremony that stopped', hint: 'Reopens the transcript in its folder, checks it and the token, and continues where it stopped.' },
];

export function OpenCeremonyForm() {
  const open = useCeremony((s) => s.open);
  const resume = useCeremony((s) => s.resume);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const [kind, setKind] = useState<Kind>('template');
  const [witnessKey, setWitnessKey] = useState('');
  const [certificate, setCertificate] = useState(false);
  const [scriptPath, setScriptPath] = useState('');
  const [directory, setDirectory] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!isAbsolutePath(directory)) found.directory = 'Give the full path of the ceremony folder, starting with "/".';
    if (kind === 'template' && !isAbsolutePath(witnessKey)) found.witnessKey = "Give the full path of the witness's key file, starting with \"/\".";
    if (kind === 'script' && !isAbsolutePath(scriptPath)) found.scriptPath = 'Give the full path of the script file, starting with "/".';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    if (kind === 'resume') {
      await resume(directory);
      return;
    }
    const source: CeremonySource =
      kind === 'template' ? { kind: 'template', template: 'rehearsal-root', witnessKeyFile: witnessKey, ...(certificate ? { certificate: true } : {}) } : { kind: 'script', path: scriptPath };
    await open(directory, source);
  };

  return (
    <Card title="Open a ceremony" icon="room">
      <form className="open-ceremony" onSubmit={(e) => void submit(e)} noValidate data-testid="open-ceremony">
        <fieldset className="open-ceremony__kinds">
          <legend className="field__label">What to run</legend>
          {KINDS.map((k) => (
            <label key={k.kind} className="choice open-ceremony__kind">
              <input type="radio" name="ceremony-kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} data-testid={`open-kind-${k.kind}`} />
              <span>
                <strong>{k.label}</strong>
                <span className="open-ceremony__hint">{k.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {kind === 'template' ? (
          <>
            <TextField label="Witness key file" hint='Made with "npx conclave witness new --out FILE"; its public fingerprint goes into the script.' value={witnessKey} onChange={(e) => setWitnessKey(e.target.value)} error={problems.witnessKey ?? null} spellCheck={false} data-testid="open-witness-key" />
            <label className="choice">
              <input type="checkbox" checked={certificate} onChange={(e) => setCertificate(e.target.checked)} data-testid="open-certificate" />
              <span>Also make a self-signed root certificate</span>
            </label>
          </>
        ) : null}
        {kind === 'script' ? <TextField label="Script file" value={scriptPath} onChange={(e) => setScriptPath(e.target.value)} error={problems.scriptPath ?? null} spellCheck={false} data-testid="open-script" /> : null}
        <TextField
          label="Ceremony folder"
          hint={kind === 'resume' ? 'The folder that holds the transcript (transcript.jsonl).' : 'A new or empty folder: the transcript, envelopes, public keys and reports go here.'}
          value={directory}
          onChange={(e) => setDirectory(e.target.value)}
          error={problems.directory ?? null}
          spellCheck={false}
          data-testid="open-directory"
        />
        {failure && (failure.operation === 'open' || failure.operation === 'resume') ? <ErrorBanner title="The ceremony could not be opened" error={failure.error} /> : null}
        <div className="step__actions">
          <Button type="submit" variant="primary" busy={pending === 'open' || pending === 'resume'} busyLabel="Opening" disabled={pending !== null && pending !== 'open' && pending !== 'resume'} data-testid="open-submit">
            {kind === 'resume' ? 'Resume the ceremony' : 'Open the ceremony'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
