// Which folder to verify: its full path, and the button. Enter in the field verifies.
import { useState, type FormEvent } from 'react';
import { Button, Card, ErrorBanner, TextField } from '../../design';
import { useVerify } from '../../stores/verify-context';
import { isAbsolutePath } from '../quorum/shared/envelope-source';

export function VerifyForm() {
  const verify = useVerify((s) => s.verify);
  const pending = useVerify((s) => s.pending);
  const error = useVerify((s) => s.error);
  const last = useVerify((s) => s.directory);
  const [directory, setDirectory] = useState(last ?? '');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const path = directory.trim();
    const found = !path ? 'Type the path of the ceremony folder.' : isAbsolutePath(path) ? null : `"${path}" is not a full path. Type it from the root.`;
    setProblem(found);
    if (found) return;
    await verify(path);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="verify-form">
      <Card title="Ceremony folder" icon="lock" subtitle="Verifying only reads the folder: the transcript, its signatures and seal, the files it records, SHA256SUMS and the reports.">
        <div className="verify-form__fields">
          <TextField
            label="Folder path"
            hint="The folder holding transcript.jsonl, for example /media/archive/root-2026."
            value={directory}
            onChange={(e) => setDirectory(e.target.value)}
            error={problem}
            autoComplete="off"
            spellCheck={false}
            disabled={pending}
            data-testid="verify-directory"
          />
        </div>
        {error ? <ErrorBanner title="The folder could not be verified" error={error} /> : null}
        <div className="verify-form__actions">
          <Button type="submit" variant="primary" icon="pass" busy={pending} busyLabel="Verifying" data-testid="verify-start">
            Verify
          </Button>
        </div>
      </Card>
    </form>
  );
}
