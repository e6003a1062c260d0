// The ceremony folder's pure parts: SHA256SUMS format (as sha256sum writes and reads it),
// what SHA256SUMS covers, PDF text for the standard fonts, the HTML report's escaping and
// embedded final hash, and a PDF with text no standard font can show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { coverageOf } from '../../../main/ceremony/folder/layout';
import { toPdfText } from '../../../main/ceremony/folder/pdf-text';
import type { ReportDocument } from '../../../main/ceremony/folder/report-document';
import { finalHashInHtml, renderReportHtml } from '../../../main/ceremony/folder/report-html';
import { finalHashInPdf, renderReportPdf } from '../../../main/ceremony/folder/report-pdf';
import { formatSums, parseSums } from '../../../main/ceremony/folder/sha256sums';

const HASH = 'a'.repeat(64);

test('SHA256SUMS lines are "<hex>  <path>", sorted by byte order, and parse back', () => {
  const text = formatSums([
    { path: 'transcript.jsonl', sha256: '1'.repeat(64) },
    { path: 'SHA-extra', sha256: '2'.repeat(64) },
    { path: 'shares/b.json', sha256: '3'.repeat(64) },
    { path: 'report.html', sha256: '4'.repeat(64) },
  ]);
  assert.equal(text, `${'2'.repeat(64)}  SHA-extra\n${'4'.repeat(64)}  report.html\n${'3'.repeat(64)}  shares/b.json\n${'1'.repeat(64)}  transcript.jsonl\n`);
  const parsed = parseSums(text);
  assert.ok(parsed.ok);
  assert.equal(parsed.lines.length, 4);
});

test('SHA256SUMS parsing refuses malformed lines, escapes, absolute or parent paths and duplicates', () => {
  const good = `${HASH}  a.txt\n`;
  assert.deepEqual(parseSums(`${HASH} a.txt\n`), { ok: false, line: 1, reason: 'expected "<64 lower-case hex digits><two spaces><relative path>"' });
  assert.equal((parseSums(`${good}${HASH}  ../x\n`) as { line: number }).line, 2);
  assert.equal(parseSums(`${HASH}  /etc/passwd\n`).ok, false);
  assert.equal(parseSums(`\\${HASH}  a\\nb\n`).ok, false);
  assert.match((parseSums(`${good}${good}`) as { reason: string }).reason, /listed twice/);
  assert.match((parseSums(good.trimEnd()) as { reason: string }).reason, /newline/);
  assert.deepEqual(parseSums(''), { ok: true, lines: [] });
});

test('what SHA256SUMS covers', () => {
  assert.equal(coverageOf('transcript.jsonl'), 'covered');
  assert.equal(coverageOf('shares/alice.json'), 'covered');
  assert.equal(coverageOf('SHA256SUMS'), 'sums-file');
  assert.equal(coverageOf('transcript.jsonl.lock'), 'lock');
  assert.equal(coverageOf('rehearsal-answers.json'), 'rehearsal-only');
  assert.equal(coverageOf('rehearsal-token/softhsm2.conf'), 'rehearsal-only');
  assert.equal(coverageOf('rehearsal-tokens.txt'), 'covered');
});

test('PDF text: accents dropped, letters spelled out, punctuation mapped, the rest "?"', () => {
  assert.deepEqual(toPdfText('Zoë Ångström-Łukasz'), { text: 'Zoe Angstrom-Lukasz', lossy: true });
  assert.deepEqual(toPdfText('Straße Æsir Øre'), { text: 'Strasse AEsir Ore', lossy: true });
  assert.deepEqual(toPdfText('a — b … “c”'), { text: 'a - b ... "c"', lossy: false });
  assert.deepEqual(toPdfText('王小明 🙂'), { text: '??? ?', lossy: true });
  assert.deepEqual(toPdfText('plain'), { text: 'plain', lossy: false });
});

function documentWith(name: string, rehearsal = false): ReportDocument {
  return {
    title: `Ceremony report: ${name}`,
    subtitle: 'unit',
    ceremonyId: 'unit-1',
    rehearsal,
    finalHash: HASH,
    sealedAt: '2026-01-02T03:04:05.678Z',
    sections: [
      { title: 'People', blocks: [{ kind: 'table', columns: ['Role', 'Name'], widths: [1, 2], rows: [['administrator', name]] }, { kind: 'fields', rows: [['Name', name]] }] },
      { title: 'Signatures', blocks: [{ kind: 'signature-blocks', statement: 'I confirm.', people: [{ role: 'Administrator', name }] }] },
    ],
  };
}

test('the HTML report escapes what it shows and embeds the final hash', () => {
  const html = renderReportHtml(documentWith('<script>alert(1)</script> & "Ana"'));
  assert.doesNotMatch(html, /<script>/);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Ana&quot;'));
  assert.equal(finalHashInHtml(html), HASH);
  assert.doesNotMatch(html, /REHEARSAL/);
  assert.match(renderReportHtml(documentWith('x', true)), /<div class="rehearsal">REHEARSAL/);
});

test('the PDF report takes names no standard font can show, and is the same bytes twice', async () => {
  const first = await renderReportPdf(documentWith('王小明 Zoë 🙂', true));
  const second = await renderReportPdf(documentWith('王小明 Zoë 🙂', true));
  assert.deepEqual(first, second, 'the PDF depends on its content only (finalizing again gives the same file)');
  const pdf = await PDFDocument.load(first);
  assert.equal(pdf.getPageCount(), 1);
  assert.equal(await finalHashInPdf(first), HASH);
  assert.match(pdf.getTitle()!, /^REHEARSAL - Ceremony report: \?\?\? Zoe \?$/);
});
