// The PKCS#11 module in use (or why none is), and the picker to use another one.
import type { ErrorValue, ModuleInfo } from '../../../preload/contract';
import { Card, ErrorBanner, KeyValueList, StatusBadge } from '../../design';
import { ModulePicker } from './ModulePicker';

function moduleFacts(module: ModuleInfo) {
  return [
    { key: 'path', label: 'Path', value: module.path, mono: true },
    { key: 'library', label: 'Library', value: module.libraryDescription || 'Not reported' },
    { key: 'manufacturer', label: 'Manufacturer', value: module.manufacturer || 'Not reported' },
    { key: 'libraryVersion', label: 'Library version', value: module.libraryVersion, mono: true },
    { key: 'cryptokiVersion', label: 'PKCS#11 version', value: module.cryptokiVersion, mono: true },
  ];
}

export function ModuleSection({ module, moduleError, rehearsal }: { module: ModuleInfo | null; moduleError: ErrorValue | null; rehearsal: boolean }) {
  return (
    <Card
      id="module"
      icon="module"
      title="PKCS#11 module"
      subtitle="The vendor library through which Conclave talks to the HSM. It runs in a separate worker process."
      actions={module ? <StatusBadge tone="pass" label="Loaded" size="large" /> : <StatusBadge tone="fail" label="Not loaded" size="large" />}
    >
      {module ? <KeyValueList items={moduleFacts(module)} className="module__facts" /> : null}
      {module && rehearsal ? <p className="module__rehearsal">This module serves the throwaway rehearsal token. Choose the HSM&apos;s own module below for a real ceremony.</p> : null}
      {moduleError ? <ErrorBanner title={module ? 'The module reported a problem' : 'No PKCS#11 module is loaded'} error={moduleError} /> : null}
      <ModulePicker currentPath={rehearsal ? null : (module?.path ?? null)} defaultOpen={!module || rehearsal} />
    </Card>
  );
}
