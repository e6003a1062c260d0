// Start a quorum login: the quorum record written at setup, and the token it guards.
import { useState, type FormEvent } from 'react';
import { Button, Card, ErrorBanner, TextField } from '../../../design';
import { useQuorumLogin } from '../../../stores/quorum-context';
import { useStatus } from '../../../stores/status-context';
import { isAbsolutePath } from '../shared/envelope-source';
import { SlotSelect } from '../shared/SlotSelect';

export function LoginBeginForm() {
  const tokens = useStatus((s) => s.snapshot?.tokens);
  const begin = useQuorumLogin((s) => s.begin);
  const beginning = useQuorumLogin((s) => s.pending.begin);
  const failure = useQuorumLogin((s) => s.failure);
  const [recordPath, setRecordPath] = useState('');
  const [slotId, setSlotId] = useState('');
  const [problems, setProblems] = useState<{ record: string | null; slot: string | null }>({ record: null, slot: null });
  const slots = (tokens ?? []).filter((t) => t.tokenPresent && t.token !== null && t.state !== 'uninitialized');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const path = recordPath.trim();
    const found = {
      record: !path ? 'Type the path of the quorum record written at setup.' : isAbsolutePath(path) ? null : `"${path}" is not a full path. Type it from the root.`,
      slot: slots.some((s) => s.slotId === slotId) ? null : 'Choose the token to log in to.',
    };
    setProblems(found);
    if (found.record || found.slot) return;
    await begin(path, slotId);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="login-begin">
      <Card title="Which quorum, which token" icon="token" subtitle="The record names the custodians and holds the commitments every share is checked against.">
        <div className="setup-start__fields">
          <TextField
            label="Quorum record"
            hint="The .json record the setup wrote, for example /media/ceremony/RECORDS/quorum-record.json."
            value={recordPath}
            onChange={(e) => setRecordPath(e.target.value)}
            error={problems.record}
            autoComplete="off"
            spellCheck={false}
            disabled={beginning}
            data-testid="login-record"
          />
          <SlotSelect slots={slots} value={slotId} onChange={setSlotId} error={problems.slot} testId="login-slot" disabled={beginning} />
        </div>
        {failure?.operation === 'begin' ? <ErrorBanner title="The login could not begin" error={failure.error} /> : null}
        <div className="setup-start__actions">
          <Button type="submit" variant="primary" busy={beginning} busyLabel="Reading the record" data-testid="login-start">
            Begin login
          </Button>
        </div>
      </Card>
    </form>
  );
}
