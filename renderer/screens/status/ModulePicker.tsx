// Choose the PKCS#11 module: the known vendor paths found on this machine, or any path
// typed in. A failure shows the module error with what to do about it.
import { useState, type FormEvent } from 'react';
import type { ModuleCandidate } from '../../../preload/contract';
import { Button, DataTable, Disclosure, EmptyState, ErrorBanner, Progress, StatusBadge, TextField, type Column } from '../../design';
import { useStatus } from '../../stores/status-context';

interface CandidateTableProps {
  candidates: ModuleCandidate[];
  /** The configured module's path; null in rehearsal, where every found module can be chosen. */
  currentPath: string | null;
  onUse: (path: string) => void;
  busy: boolean;
}

function CandidateTable({ candidates, currentPath, onUse, busy, caption }: CandidateTableProps & { caption: string }) {
  const columns: Column<ModuleCandidate>[] = [
    { key: 'vendor', header: 'Vendor', rowHeader: true, render: (c) => c.vendor },
    { key: 'path', header: 'Path', className: 'mono picker__path', render: (c) => c.path },
    {
      key: 'exists',
      header: 'On this machine',
      render: (c) =>
        c.path === currentPath ? <StatusBadge tone="info" label="In use" /> : c.exists ? <StatusBadge tone="pass" label="Found" /> : <StatusBadge tone="unknown" label="Not installed" />,
    },
    {
      key: 'use',
      header: <span className="visually-hidden">Action</span>,
      render: (c) =>
        c.exists && c.path !== currentPath ? (
          <Button busy={busy} busyLabel="Loading" onClick={() => onUse(c.path)} aria-label={`Use ${c.vendor} module at ${c.path}`}>
            Use this module
          </Button>
        ) : null,
    },
  ];
  return <DataTable caption={caption} columns={columns} rows={candidates} rowKey={(c) => c.path} className="picker__table" />;
}

/** Modules found on this machine first; the known locations that are absent stay folded away. */
function Candidates(props: CandidateTableProps) {
  const found = props.candidates.filter((c) => c.exists || c.path === props.currentPath);
  const missing = props.candidates.filter((c) => !c.exists && c.path !== props.currentPath);
  return (
    <>
      {found.length > 0 ? (
        <CandidateTable {...props} candidates={found} caption="PKCS#11 modules found on this machine" />
      ) : (
        <EmptyState title="No known PKCS#11 module is installed">Install your HSM vendor&apos;s software, or type the path of its PKCS#11 library below.</EmptyState>
      )}
      {missing.length > 0 ? (
        <Disclosure summary={`Known locations not found on this machine (${missing.length})`}>
          <CandidateTable {...props} candidates={missing} caption="Known PKCS#11 module locations that are not installed" />
        </Disclosure>
      ) : null}
    </>
  );
}

export function ModulePicker({ currentPath, defaultOpen }: { currentPath: string | null; defaultOpen: boolean }) {
  // The rehearsal token is used through the SoftHSM2 library too, but choosing that
  // library as the module is a different configuration, so it stays selectable.
  const candidates = useStatus((s) => s.candidates);
  const candidatesError = useStatus((s) => s.errors.candidates);
  const loadingCandidates = useStatus((s) => s.pending.candidates);
  const switching = useStatus((s) => s.pending.useModule);
  const error = useStatus((s) => s.errors.useModule);
  const useModule = useStatus((s) => s.useModule);
  const loadCandidates = useStatus((s) => s.loadCandidates);
  const dismissError = useStatus((s) => s.dismissError);
  const [path, setPath] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await useModule(path)) setPath('');
  };

  return (
    <Disclosure summary="Use another PKCS#11 module" defaultOpen={defaultOpen} className="picker">
      {candidatesError ? (
        <ErrorBanner title="The known modules could not be listed" error={candidatesError} actions={<Button onClick={() => void loadCandidates()}>Try again</Button>} />
      ) : candidates ? (
        <Candidates candidates={candidates} currentPath={currentPath} onUse={(p) => void useModule(p)} busy={switching} />
      ) : loadingCandidates ? (
        <Progress label="Looking for known PKCS#11 modules" />
      ) : null}
      <form className="picker__form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Module path"
          hint="The full path of the HSM vendor's PKCS#11 library, for example /usr/lib/softhsm/libsofthsm2.so."
          name="modulePath"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          className="picker__field"
          data-testid="module-path"
        />
        <Button type="submit" variant="primary" busy={switching} busyLabel="Loading the module" data-testid="use-module">
          Use this path
        </Button>
      </form>
      {error ? (
        <ErrorBanner
          title="That module could not be used"
          error={error}
          className="picker__error"
          actions={<Button variant="quiet" onClick={() => dismissError('useModule')}>Dismiss</Button>}
        />
      ) : null}
    </Disclosure>
  );
}
