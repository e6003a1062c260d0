// Step 2: the bundle. From a file (a medium from the ceremony), from a folder of its QR
// frame images, or from the animated QR code through the camera. Whatever the source,
// main verifies it against the pinned root key before anything is shown.
import { useState, type FormEvent } from 'react';
import type { ImportSource } from '../../../preload/contract';
import { Button, Card, TextField } from '../../design';
import { useImport } from '../../stores/import-context';
import { isAbsolutePath } from '../quorum/shared/envelope-source';
import { CameraScanner } from './CameraScanner';
import { StepError } from './StepError';

type SourceKind = ImportSource['kind'];

const KINDS: Array<{ kind: SourceKind; label: string; hint: string }> = [
  { kind: 'file', label: 'Bundle file', hint: 'The …bundle.json file, for example /media/ops/ceremony-2026/bundles/payments-dek-v1-for-Payments-Ops.bundle.json.' },
  { kind: 'qr-folder', label: 'Folder of QR images', hint: 'The folder with the frame-NNN.png images (qr/ in the ceremony folder), or photos of the frames, one code per image.' },
  { kind: 'camera', label: 'Camera', hint: 'Hold the animated QR code in front of the camera until every part is read. Missed frames do no harm.' },
];

export function BundleStep() {
  const load = useImport((s) => s.load);
  const resetScan = useImport((s) => s.resetScan);
  const pending = useImport((s) => s.pending);
  const bundle = useImport((s) => s.view?.bundle ?? null);
  const [kind, setKind] = useState<SourceKind>('file');
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [allowRehearsal, setAllowRehearsal] = useState(false);
  const [cameraOn, setCameraOn] = useState(false);
  const chosen = KINDS.find((k) => k.kind === kind)!;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (kind === 'camera') return;
    const value = path.trim();
    const found = !value ? `Type the path of the ${kind === 'file' ? 'bundle file' : 'folder'}.` : isAbsolutePath(value) ? null : `"${value}" is not a full path. Type it from the root.`;
    setProblem(found);
    if (found) return;
    await load({ kind, path: value }, allowRehearsal);
  };

  return (
    <Card title="2. Bundle" icon="attach" subtitle="Verified against the pinned root key: the signature, the exact format, the expiry and the rehearsal flag.">
      <form className="import-form" onSubmit={(e) => void submit(e)} noValidate data-testid="import-bundle-form">
        <fieldset className="import-sources">
          <legend className="field__label">Where the bundle comes from</legend>
          {KINDS.map((k) => (
            <label className="choice" key={k.kind}>
              <input
                type="radio"
                name="import-source"
                value={k.kind}
                checked={kind === k.kind}
                onChange={() => {
                  setKind(k.kind);
                  setProblem(null);
                  if (k.kind !== 'camera') setCameraOn(false);
                }}
                data-testid={`import-source-${k.kind}`}
              />
              <span>{k.label}</span>
            </label>
          ))}
        </fieldset>
        <label className="choice import-rehearsal-choice">
          <input type="checkbox" checked={allowRehearsal} onChange={(e) => setAllowRehearsal(e.target.checked)} data-testid="import-allow-rehearsal" />
          <span>Accept a REHEARSAL bundle (practice only: never for production keys)</span>
        </label>
        {kind === 'camera' ? (
          <div className="import-camera">
            <p className="field__hint">{chosen.hint}</p>
            {cameraOn ? (
              <CameraScanner allowRehearsal={allowRehearsal} onStop={() => setCameraOn(false)} />
            ) : (
              <Button
                variant="primary"
                icon="room"
                busy={pending === 'reset'}
                busyLabel="Starting"
                onClick={() => void resetScan().then((fresh) => setCameraOn(fresh))}
                data-testid="import-camera-start"
              >
                Start the camera
              </Button>
            )}
          </div>
        ) : (
          <>
            <TextField label={chosen.label} hint={chosen.hint} value={path} onChange={(e) => setPath(e.target.value)} error={problem} autoComplete="off" spellCheck={false} disabled={pending !== null} data-testid="import-bundle-path" />
            <div className="import-form__actions">
              <Button type="submit" variant={bundle ? 'secondary' : 'primary'} icon="pass" busy={pending === 'load'} busyLabel="Verifying" data-testid="import-load">
                {bundle ? 'Load another bundle' : 'Load and verify'}
              </Button>
            </div>
          </>
        )}
      </form>
      <StepError steps={['load', 'scan']} title="The bundle was not accepted" />
    </Card>
  );
}
