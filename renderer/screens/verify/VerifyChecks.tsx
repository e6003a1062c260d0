// Every check the verifier made, in its order, each with ok or fail in words and an icon
// and the sentence that says what held or what did not.
import type { FolderCheckView } from '../../../preload/contract';
import { Card, DataTable, StatusBadge } from '../../design';

export function VerifyChecks({ checks }: { checks: FolderCheckView[] }) {
  const failed = checks.filter((c) => !c.ok).length;
  return (
    <Card title="Checks" icon="pass" subtitle={failed === 0 ? `All ${checks.length} checks hold.` : `${failed} of ${checks.length} checks failed.`}>
      <DataTable
        caption="Checks of the ceremony folder"
        captionHidden
        className="verify-checks"
        columns={[
          { key: 'result', header: 'Result', render: (c) => <StatusBadge tone={c.ok ? 'pass' : 'fail'} label={c.ok ? 'OK' : 'FAIL'} /> },
          { key: 'name', header: 'Check', rowHeader: true, render: (c) => c.name },
          { key: 'detail', header: 'Detail', render: (c) => c.detail },
        ]}
        rows={checks}
        rowKey={(c) => c.name}
        rowId={(c) => c.name}
        rowClassName={(c) => (c.ok ? 'row--pass' : 'row--fail')}
      />
    </Card>
  );
}
