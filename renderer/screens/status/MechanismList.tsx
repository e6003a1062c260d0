// The mechanisms a token supports, loaded when the person opens the list.
import type { Mechanism } from '../../stores/status-store';
import { Button, DataTable, ErrorBanner, Progress, type Column } from '../../design';
import { useStatus } from '../../stores/status-context';

const columns: Column<Mechanism>[] = [
  { key: 'name', header: 'Mechanism', rowHeader: true, className: 'mono', render: (m) => m.name },
  { key: 'value', header: 'Value', className: 'mono', align: 'end', render: (m) => `0x${m.value.toString(16).padStart(8, '0')}` },
];

export function MechanismList({ slotId, tokenName }: { slotId: string; tokenName: string }) {
  const entry = useStatus((s) => s.mechanisms[slotId]);
  const getMechanisms = useStatus((s) => s.getMechanisms);
  if (!entry || entry.status === 'loading') return <Progress label={`Reading the mechanism list of ${tokenName}`} />;
  if (entry.status === 'error') {
    return (
      <ErrorBanner
        title={`The mechanism list of ${tokenName} could not be read`}
        error={entry.error}
        actions={<Button onClick={() => void getMechanisms(slotId, { force: true })}>Try again</Button>}
      />
    );
  }
  return (
    <DataTable
      caption={`${entry.mechanisms.length} mechanism${entry.mechanisms.length === 1 ? '' : 's'} supported by ${tokenName}`}
      columns={columns}
      rows={entry.mechanisms}
      rowKey={(m) => `${m.value}`}
      className="mechanisms"
      scrollLabel={`Mechanisms of ${tokenName}`}
    />
  );
}
