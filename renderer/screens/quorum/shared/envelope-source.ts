// Where a custodian's envelope comes from, as typed on screen, and the contract's
// EnvelopeSource it becomes. Paths must be absolute: main reads exactly that file.
import type { EnvelopeSource } from '../../../../preload/contract';

export type SourceKind = EnvelopeSource['kind'];

export interface SourceDraft {
  kind: SourceKind;
  path: string;
  text: string;
}

export const emptySource = (kind: SourceKind = 'file', path = ''): SourceDraft => ({ kind, path, text: '' });

export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}

/** The source to send, or what to fix first. */
export function toSource(draft: SourceDraft): { source: EnvelopeSource } | { problem: string } {
  if (draft.kind === 'text') {
    const text = draft.text.trim();
    if (!text) return { problem: 'Paste the envelope text first (the whole file content, starting with "{").' };
    if (text.length > 64 * 1024) return { problem: `The pasted text is ${text.length} characters; an envelope is far shorter. Paste only the envelope.` };
    return { source: { kind: 'text', text } };
  }
  const path = draft.path.trim();
  const what = draft.kind === 'file' ? 'envelope file' : 'QR image (PNG)';
  if (!path) return { problem: `Type the full path of the ${what}.` };
  if (!isAbsolutePath(path)) return { problem: `"${path}" is not a full path. Type it from the root, for example /media/alice/CUSTODIAN/share.json.` };
  return { source: { kind: draft.kind, path } };
}
