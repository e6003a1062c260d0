// Choose how an envelope is presented: its file, a photo/scan of its QR code as a PNG,
// or its text pasted in. One radio group, then the one input that kind needs.
import { useId } from 'react';
import { TextField } from '../../../design';
import type { SourceDraft, SourceKind } from './envelope-source';

const KINDS: Array<{ kind: SourceKind; label: string; hint: string }> = [
  { kind: 'file', label: 'Envelope file', hint: 'The .json file from the custodian’s USB stick or folder.' },
  { kind: 'qr-image', label: 'QR image', hint: 'A PNG picture of the printed QR code.' },
  { kind: 'text', label: 'Pasted text', hint: 'The envelope’s text, copied in whole.' },
];

export interface EnvelopeSourceFieldsProps {
  value: SourceDraft;
  onChange: (next: SourceDraft) => void;
  /** Shown under the path or text input when something must be fixed first. */
  problem?: string | null;
  legend?: string;
  /** Prefix for data-testid attributes. */
  testId: string;
  disabled?: boolean;
}

export function EnvelopeSourceFields({ value, onChange, problem, legend = 'Where is the envelope?', testId, disabled }: EnvelopeSourceFieldsProps) {
  const name = useId();
  const textId = useId();
  const current = KINDS.find((k) => k.kind === value.kind) ?? KINDS[0]!;
  return (
    <fieldset className="source" disabled={disabled} data-testid={`${testId}-source`}>
      <legend className="source__legend">{legend}</legend>
      <div className="source__kinds" role="radiogroup" aria-label={legend}>
        {KINDS.map((k) => (
          <label key={k.kind} className="choice">
            <input
              type="radio"
              name={name}
              value={k.kind}
              checked={value.kind === k.kind}
              onChange={() => onChange({ ...value, kind: k.kind })}
              data-testid={`${testId}-kind-${k.kind}`}
            />
            <span className="choice__label">{k.label}</span>
          </label>
        ))}
      </div>
      {value.kind === 'text' ? (
        <div className={problem ? 'field field--error' : 'field'}>
          <label className="field__label" htmlFor={textId}>
            Envelope text
          </label>
          <p className="field__hint">{current.hint}</p>
          {problem ? <p className="field__error">{problem}</p> : null}
          <textarea
            id={textId}
            className="field__input field__textarea"
            rows={5}
            value={value.text}
            onChange={(e) => onChange({ ...value, text: e.target.value })}
            spellCheck={false}
            autoComplete="off"
            data-testid={`${testId}-text`}
          />
        </div>
      ) : (
        <TextField
          label={value.kind === 'file' ? 'Path of the envelope file' : 'Path of the QR image'}
          hint={current.hint}
          error={problem ?? null}
          value={value.path}
          onChange={(e) => onChange({ ...value, path: e.target.value })}
          spellCheck={false}
          autoComplete="off"
          data-testid={`${testId}-path`}
        />
      )}
    </fieldset>
  );
}
