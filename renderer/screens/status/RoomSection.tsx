// The room checks: each with its result, why, and what to do; and a button to run them again.
import type { Check, RoomReport } from '../../../preload/contract';
import { Button, Card, DataTable, ErrorBanner, StatusBadge, type Column } from '../../design';
import { checkTone, checkWord, formatUtcTime } from '../../format';
import { useStatus } from '../../stores/status-context';

const columns: Column<Check>[] = [
  { key: 'title', header: 'Check', rowHeader: true, className: 'room__title', render: (c) => c.title },
  { key: 'status', header: 'Result', className: 'room__status', render: (c) => <StatusBadge tone={checkTone[c.status]} label={checkWord[c.status]} /> },
  { key: 'reason', header: 'Why', className: 'room__reason', render: (c) => c.reason },
  { key: 'action', header: 'What to do', className: 'room__action', render: (c) => c.action || <span className="muted">Nothing</span> },
];

function verdict(room: RoomReport) {
  const failing = room.checks.filter((c) => c.status === 'fail').length;
  const warning = room.checks.filter((c) => c.status === 'warn').length;
  if (!room.ready) return { tone: 'fail' as const, label: 'Not ready', text: `The room is not ready for a ceremony: ${failing} check${failing === 1 ? '' : 's'} failed.` };
  if (warning) return { tone: 'warn' as const, label: 'Ready, with warnings', text: `The room is ready for a ceremony, with ${warning} warning${warning === 1 ? '' : 's'} to read.` };
  return { tone: 'pass' as const, label: 'Ready', text: 'The room is ready for a ceremony.' };
}

export function RoomSection({ room }: { room: RoomReport }) {
  const checking = useStatus((s) => s.pending.checkRoom);
  const error = useStatus((s) => s.errors.checkRoom);
  const checkRoom = useStatus((s) => s.checkRoom);
  const v = verdict(room);
  return (
    <Card
      id="room"
      icon="room"
      title="Room checks"
      subtitle={
        <>
          Checked at <time dateTime={room.generatedAt}>{formatUtcTime(room.generatedAt, true)}</time>
          {room.rehearsal ? '. Rehearsal: the air-gap and UTC checks count only as warnings.' : '.'}
        </>
      }
      actions={
        <Button icon="refresh" shortcut="C" busy={checking} busyLabel="Checking the room" onClick={() => void checkRoom()} data-testid="check-room">
          Check the room again
        </Button>
      }
    >
      {error ? <ErrorBanner title="The room could not be checked" error={error} /> : null}
      <div className="room__verdict" data-testid="room-verdict">
        <StatusBadge tone={v.tone} label={v.label} size="large" />
        <p>{v.text}</p>
      </div>
      <DataTable
        caption={`Room checks (${room.checks.length})`}
        captionHidden
        className="room__table"
        columns={columns}
        rows={room.checks}
        rowKey={(c) => c.id}
        rowId={(c) => c.id}
        rowClassName={(c) => `row--${c.status}`}
      />
    </Card>
  );
}
