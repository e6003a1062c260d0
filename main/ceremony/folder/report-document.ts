// The printable report as a small document model, rendered twice: as self-contained
// HTML (report-html.ts) and as PDF (report-pdf.ts), so both say exactly the same.
export type Block =
  | { kind: 'paragraph'; text: string; tone?: 'normal' | 'warning' | 'muted' }
  | { kind: 'fields'; rows: Array<[label: string, value: string]> }
  /** `widths` are relative column widths; `mono` marks columns of hashes and ids. */
  | { kind: 'table'; columns: string[]; widths: number[]; rows: string[][]; mono?: number[] }
  | { kind: 'final-hash'; hex: string; grouped: string; words: string[]; qrPng: Uint8Array }
  | { kind: 'signature-blocks'; statement: string; people: Array<{ role: string; name: string }> };

export interface ReportSection {
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  ceremonyId: string;
  rehearsal: boolean;
  /** 64 lower-case hex digits; embedded in both files for the verifier. */
  finalHash: string;
  /** The sealed entry's time: the report is a function of the transcript alone, so finalizing twice gives the same bytes. */
  sealedAt: string;
  sections: ReportSection[];
}

export const REHEARSAL_BANNER = 'REHEARSAL — not a production ceremony. Its keys, shares and outputs must never be used for real.';
