// Who the custodians are and how many of them must be present: either everyone counts
// the same (M of N), or custodians belong to groups with their own thresholds and a
// number of groups must take part ("2 of security and 1 of operations").
import { useEffect, useId, useRef } from 'react';
import { Button, TextField } from '../../../design';
import { MAX_CUSTODIANS, MAX_GROUPS, type CheckedPolicy, type PolicyDraft } from './policy-draft';

export interface PolicyEditorProps {
  draft: PolicyDraft;
  onChange: (next: PolicyDraft) => void;
  checked: CheckedPolicy;
  /** Show the checks' messages (after the first attempt to begin). */
  showErrors: boolean;
  disabled?: boolean;
}

let nextKey = 1000;
const newKey = () => ++nextKey;

export function PolicyEditor({ draft, onChange, checked, showErrors, disabled }: PolicyEditorProps) {
  const modeName = useId();
  const focusKey = useRef<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const errors = showErrors ? checked.errors : null;

  // After "Add custodian", the new name field takes the focus so typing can go on.
  useEffect(() => {
    if (focusKey.current === null) return;
    const input = listRef.current?.querySelector<HTMLInputElement>(`[data-key="${focusKey.current}"] input`);
    focusKey.current = null;
    input?.focus();
  });

  const update = (patch: Partial<PolicyDraft>) => onChange({ ...draft, ...patch });
  const setCustodian = (key: number, patch: Partial<PolicyDraft['custodians'][number]>) =>
    update({ custodians: draft.custodians.map((c) => (c.key === key ? { ...c, ...patch } : c)) });
  const setGroup = (key: number, patch: Partial<PolicyDraft['groups'][number]>) => update({ groups: draft.groups.map((g) => (g.key === key ? { ...g, ...patch } : g)) });

  const addCustodian = () => {
    const key = newKey();
    focusKey.current = key;
    update({ custodians: [...draft.custodians, { key, name: '', groupKey: draft.mode === 'groups' ? (draft.groups[0]?.key ?? null) : null }] });
  };
  const removeCustodian = (key: number) => update({ custodians: draft.custodians.filter((c) => c.key !== key) });

  const setMode = (mode: PolicyDraft['mode']) => {
    if (mode === draft.mode) return;
    if (mode === 'groups' && draft.groups.length === 0) {
      // Start with two teams, custodians split between them, so the shape is visible at once.
      const first = { key: newKey(), name: '', threshold: '1' };
      const second = { key: newKey(), name: '', threshold: '1' };
      const half = Math.ceil(draft.custodians.length / 2);
      onChange({
        ...draft,
        mode,
        groups: [first, second],
        groupThreshold: '2',
        custodians: draft.custodians.map((c, i) => ({ ...c, groupKey: i < half ? first.key : second.key })),
      });
      return;
    }
    update({ mode });
  };

  const addGroup = () => update({ groups: [...draft.groups, { key: newKey(), name: '', threshold: '1' }] });
  const removeGroup = (key: number) =>
    update({
      groups: draft.groups.filter((g) => g.key !== key),
      custodians: draft.custodians.map((c) => (c.groupKey === key ? { ...c, groupKey: null } : c)),
    });

  const n = draft.custodians.length;
  return (
    <fieldset className="policy" disabled={disabled} data-testid="policy-editor">
      <legend className="policy__legend">Custodians and threshold</legend>

      <div className="policy__modes" role="radiogroup" aria-label="Kind of policy">
        <label className="choice">
          <input type="radio" name={modeName} checked={draft.mode === 'flat'} onChange={() => setMode('flat')} data-testid="policy-mode-flat" />
          <span className="choice__label">Everyone counts the same (M of N)</span>
        </label>
        <label className="choice">
          <input type="radio" name={modeName} checked={draft.mode === 'groups'} onChange={() => setMode('groups')} data-testid="policy-mode-groups" />
          <span className="choice__label">Groups, so that no single team can act alone</span>
        </label>
      </div>

      {draft.mode === 'groups' ? (
        <div className="policy__groups">
          <h3 className="policy__heading">Groups</h3>
          <ol className="policy__list">
            {draft.groups.map((group, position) => {
              const members = draft.custodians.filter((c) => c.groupKey === group.key).length;
              return (
                <li key={group.key} className="policy__row policy__row--group" data-testid="group-row">
                  <TextField
                    label={`Group ${position + 1} name`}
                    value={group.name}
                    onChange={(e) => setGroup(group.key, { name: e.target.value })}
                    error={errors?.groups[group.key] ?? null}
                    maxLength={64}
                    autoComplete="off"
                    spellCheck={false}
                    data-testid={`group-name-${position + 1}`}
                  />
                  <TextField
                    label="Members needed"
                    hint={`of ${members}`}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={Math.max(1, members)}
                    value={group.threshold}
                    onChange={(e) => setGroup(group.key, { threshold: e.target.value })}
                    className="policy__number"
                    data-testid={`group-threshold-${position + 1}`}
                  />
                  <Button variant="quiet" onClick={() => removeGroup(group.key)} aria-label={`Remove group ${position + 1}${group.name.trim() ? ` (${group.name.trim()})` : ''}`}>
                    Remove
                  </Button>
                </li>
              );
            })}
          </ol>
          <div className="policy__row-actions">
            <Button onClick={addGroup} disabled={draft.groups.length >= MAX_GROUPS}>
              Add group
            </Button>
          </div>
          <TextField
            label="Groups that must take part"
            hint={`of ${draft.groups.length}; each of them with its members needed`}
            type="number"
            inputMode="numeric"
            min={1}
            max={Math.max(1, draft.groups.length)}
            value={draft.groupThreshold}
            onChange={(e) => update({ groupThreshold: e.target.value })}
            error={errors?.groupThreshold ?? null}
            className="policy__number"
            data-testid="group-threshold"
          />
        </div>
      ) : null}

      <div className="policy__custodians">
        <h3 className="policy__heading">
          Custodians <span className="muted">({n} of at most {MAX_CUSTODIANS})</span>
        </h3>
        <ol className="policy__list" ref={listRef}>
          {draft.custodians.map((custodian, position) => (
            <li key={custodian.key} className="policy__row" data-key={custodian.key} data-testid="custodian-row">
              <TextField
                label={`Custodian ${position + 1}`}
                value={custodian.name}
                onChange={(e) => setCustodian(custodian.key, { name: e.target.value })}
                error={errors?.custodians[custodian.key] ?? null}
                maxLength={64}
                autoComplete="off"
                spellCheck={false}
                data-testid={`custodian-name-${position + 1}`}
              />
              {draft.mode === 'groups' ? (
                <GroupSelect
                  value={custodian.groupKey}
                  groups={draft.groups}
                  label={`Group of custodian ${position + 1}`}
                  onChange={(groupKey) => setCustodian(custodian.key, { groupKey })}
                  testId={`custodian-group-${position + 1}`}
                />
              ) : null}
              <Button
                variant="quiet"
                onClick={() => removeCustodian(custodian.key)}
                disabled={n <= 2}
                aria-label={`Remove custodian ${position + 1}${custodian.name.trim() ? ` (${custodian.name.trim()})` : ''}`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ol>
        <div className="policy__row-actions">
          <Button onClick={addCustodian} disabled={n >= MAX_CUSTODIANS} data-testid="add-custodian">
            Add custodian
          </Button>
        </div>
      </div>

      {draft.mode === 'flat' ? (
        <TextField
          label="Custodians needed to unlock the HSM"
          hint={`of ${n}; at least 2`}
          type="number"
          inputMode="numeric"
          min={2}
          max={Math.max(2, n)}
          value={draft.threshold}
          onChange={(e) => update({ threshold: e.target.value })}
          error={errors?.threshold ?? null}
          className="policy__number"
          data-testid="policy-threshold"
        />
      ) : null}

      <p className="policy__summary" aria-live="polite" data-testid="policy-summary">
        Policy: <strong>{checked.summary}</strong>
      </p>
      {errors && errors.general.length > 0 ? (
        <ul className="policy__general" data-testid="policy-errors">
          {errors.general.map((message) => (
            <li key={message} className="field__error">
              {message}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

function GroupSelect({ value, groups, label, onChange, testId }: { value: number | null; groups: PolicyDraft['groups']; label: string; onChange: (key: number | null) => void; testId: string }) {
  const id = useId();
  return (
    <div className="field policy__group-select">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="field__input" value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} data-testid={testId}>
        <option value="">Choose a group</option>
        {groups.map((g, i) => (
          <option key={g.key} value={g.key}>
            {g.name.trim() || `Group ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
