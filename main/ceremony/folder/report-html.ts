// report.html: one self-contained file (no script, no external resource: styles inline,
// the QR code a data: PNG), printable on A4 with print CSS. The final hash is also in a
// <meta> element, which the verifier compares with the transcript.
import type { Block, ReportDocument } from './report-document';
import { REHEARSAL_BANNER } from './report-document';

export const FINAL_HASH_META = 'conclave-final-hash';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Escaped, with line breaks kept. */
const cell = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

const STYLE = `
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:10pt;color:#111;margin:2em auto;max-width:190mm;line-height:1.35}
h1{font-size:18pt;margin:0 0 .2em}
h2{font-size:13pt;margin:1.4em 0 .4em;border-bottom:1px solid #444;padding-bottom:.15em;break-after:avoid}
.subtitle{color:#444;margin:0 0 1em}
table{border-collapse:collapse;width:100%;margin:.3em 0 .8em;font-size:8.5pt}
th,td{border:1px solid #999;padding:3px 4px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:#eee}
tr{break-inside:avoid}
table.fields th{width:28%;background:#f4f4f4}
.mono{font-family:"DejaVu Sans Mono",Courier,monospace}
p.warning{color:#900;font-weight:bold}
p.muted{color:#555}
.rehearsal{border:4px solid #c00;color:#c00;font-size:16pt;font-weight:bold;text-align:center;padding:.4em;margin:0 0 1em;text-transform:uppercase}
.final{display:flex;gap:1.5em;align-items:center;border:2px solid #111;padding:.8em;break-inside:avoid}
.final img{width:44mm;height:44mm;image-rendering:pixelated}
.final .hex{font-family:"DejaVu Sans Mono",Courier,monospace;font-size:11pt}
.final .words{font-size:13pt;font-weight:bold;margin-top:.4em}
.signatures{display:grid;grid-template-columns:1fr 1fr;gap:1.2em 2em}
.signature{break-inside:avoid;padding-top:2.4em}
.signature .line{border-top:1px solid #111;padding-top:.2em}
.footer{display:none}
@page{size:A4;margin:15mm 14mm 18mm}
@media print{body{margin:0;max-width:none}.footer{display:block;position:fixed;bottom:0;left:0;right:0;text-align:center;font-size:8pt;color:#c00;font-weight:bold}h2{break-after:avoid}}
`;

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p class="${block.tone ?? 'normal'}">${cell(block.text)}</p>`;
    case 'fields':
      return `<table class="fields"><tbody>${block.rows.map(([k, v]) => `<tr><th>${cell(k)}</th><td>${cell(v)}</td></tr>`).join('')}</tbody></table>`;
    case 'table': {
      const total = block.widths.reduce((a, b) => a + b, 0);
      const cols = block.widths.map((w) => `<col style="width:${((w / total) * 100).toFixed(1)}%">`).join('');
      const head = block.columns.map((c) => `<th>${cell(c)}</th>`).join('');
      const rows = block.rows
        .map((row) => `<tr>${row.map((v, i) => `<td${block.mono?.includes(i) ? ' class="mono"' : ''}>${cell(v)}</td>`).join('')}</tr>`)
        .join('');
      return `<table><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'final-hash':
      return (
        `<div class="final"><img alt="QR code of the final hash ${block.hex}" src="data:image/png;base64,${Buffer.from(block.qrPng).toString('base64')}">` +
        `<div><div>Final hash (SHA-256 of the sealed entry)</div><div class="hex" id="final-hash">${escapeHtml(block.grouped)}</div>` +
        `<div class="words" id="final-hash-words">${escapeHtml(block.words.join(' '))}</div></div></div>`
      );
    case 'signature-blocks':
      return (
        `<p>${cell(block.statement)}</p><div class="signatures">` +
        block.people
          .map((p) => `<div class="signature"><div class="line">${cell(p.name)} — ${cell(p.role)}</div><div style="margin-top:1.6em" class="line">Date and place</div></div>`)
          .join('') +
        '</div>'
      );
  }
}

export function renderReportHtml(doc: ReportDocument): string {
  const banner = doc.rehearsal ? `<div class="rehearsal">${escapeHtml(REHEARSAL_BANNER)}</div>` : '';
  const footer = doc.rehearsal ? `<div class="footer">REHEARSAL — ${escapeHtml(doc.ceremonyId)}</div>` : '';
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
    `<meta name="${FINAL_HASH_META}" content="${doc.finalHash}">` +
    `<meta name="conclave-ceremony-id" content="${escapeHtml(doc.ceremonyId)}">` +
    `<title>${doc.rehearsal ? 'REHEARSAL — ' : ''}${escapeHtml(doc.title)}</title><style>${STYLE}</style></head><body>\n` +
    banner +
    `<h1>${doc.rehearsal ? 'REHEARSAL — ' : ''}${escapeHtml(doc.title)}</h1><p class="subtitle">${escapeHtml(doc.subtitle)}</p>\n` +
    doc.sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map(renderBlock).join('\n')}</section>\n`).join('') +
    footer +
    '</body></html>\n'
  );
}

/** The final hash embedded in a report.html, or null when there is none. */
export function finalHashInHtml(html: string): string | null {
  const match = new RegExp(`<meta name="${FINAL_HASH_META}" content="([0-9a-f]{64})">`).exec(html);
  return match ? match[1]! : null;
}
