// report.pdf: the same document as report.html, laid out on A4 pages with pdf-lib's
// standard fonts (Helvetica for text, Courier for hashes; text kept to ASCII, see
// pdf-text.ts), the QR code of the final hash as an image, and the signature blocks.
// Dates in the PDF's metadata are the seal's time, so finalizing twice gives the same
// bytes. The final hash is also the document's subject, which the verifier reads.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Block, ReportDocument } from './report-document';
import { REHEARSAL_BANNER } from './report-document';
import { toPdfText } from './pdf-text';

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 42;
const WIDTH = PAGE[0] - 2 * MARGIN;
const TOP = PAGE[1] - MARGIN - 14;
const BOTTOM = MARGIN + 16;
const RED = rgb(0.75, 0, 0);
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const MAX_CELL_LINES = 60;

export const PDF_SUBJECT_PREFIX = 'Conclave ceremony report; final hash ';

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

class Layout {
  page!: PDFPage;
  y = 0;
  lossy = false;

  constructor(
    private readonly pdf: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.pdf.addPage(PAGE);
    this.y = TOP;
  }

  ensure(height: number): void {
    if (this.y - height < BOTTOM && this.y < TOP) this.newPage();
  }

  clean(text: string): string {
    const result = toPdfText(text);
    if (result.lossy) this.lossy = true;
    return result.text;
  }

  /** Wraps text (which may hold "\n") to `width`; long words (hashes) are broken by character. */
  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const out: string[] = [];
    for (const raw of text.split('\n')) {
      let line = '';
      for (const word of this.clean(raw).split(' ')) {
        const candidate = line === '' ? word : `${line} ${word}`;
        if (font.widthOfTextAtSize(candidate, size) <= width) {
          line = candidate;
          continue;
        }
        if (line !== '') out.push(line);
        line = '';
        let rest = word;
        while (font.widthOfTextAtSize(rest, size) > width) {
          let cut = rest.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
          out.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      out.push(line);
    }
    return out;
  }

  text(text: string, options: { size?: number; font?: PDFFont; color?: ReturnType<typeof rgb>; indent?: number; gap?: number } = {}): void {
    const size = options.size ?? 9;
    const font = options.font ?? this.fonts.regular;
    const indent = options.indent ?? 0;
    const lead = size * 1.25;
    for (const line of this.wrap(text, font, size, WIDTH - indent)) {
      this.ensure(lead);
      this.page.drawText(line, { x: MARGIN + indent, y: this.y - size, size, font, color: options.color ?? BLACK });
      this.y -= lead;
    }
    this.y -= options.gap ?? 4;
  }

  table(columns: string[], widths: number[], rows: string[][], mono: readonly number[] = []): void {
    const total = widths.reduce((a, b) => a + b, 0);
    const colWidths = widths.map((w) => (w / total) * WIDTH);
    const size = 7;
    const lead = 8.6;
    const pad = 2.5;
    const drawRow = (cells: string[], header: boolean) => {
      const wrapped = cells.map((c, i) => {
        const font = header ? this.fonts.bold : mono.includes(i) ? this.fonts.mono : this.fonts.regular;
        const lines = this.wrap(c, font, size, colWidths[i]! - 2 * pad);
        return { font, lines: lines.length > MAX_CELL_LINES ? [...lines.slice(0, MAX_CELL_LINES - 1), '[continued in report.html]'] : lines };
      });
      const height = Math.max(...wrapped.map((w) => w.lines.length)) * lead + 2 * pad;
      this.ensure(height);
      let x = MARGIN;
      wrapped.forEach((w, i) => {
        const cw = colWidths[i]!;
        this.page.drawRectangle({ x, y: this.y - height, width: cw, height, borderColor: GREY, borderWidth: 0.5, ...(header ? { color: rgb(0.92, 0.92, 0.92) } : {}) });
        w.lines.forEach((line, n) => this.page.drawText(line, { x: x + pad, y: this.y - pad - (n + 1) * lead + 2, size, font: w.font, color: BLACK }));
        x += cw;
      });
      this.y -= height;
    };
    drawRow(columns, true);
    for (const row of rows) drawRow(row, false);
    this.y -= 8;
  }
}

async function drawBlock(layout: Layout, pdf: PDFDocument, block: Block): Promise<void> {
  const { fonts } = layout;
  switch (block.kind) {
    case 'paragraph':
      layout.text(block.text, { color: block.tone === 'warning' ? RED : block.tone === 'muted' ? GREY : BLACK, font: block.tone === 'warning' ? fonts.bold : fonts.regular });
      return;
    case 'fields':
      layout.table(['Field', 'Value'], [1.3, 4], block.rows.map(([k, v]) => [k, v]));
      return;
    case 'table':
      layout.table(block.columns, block.widths, block.rows, block.mono);
      return;
    case 'final-hash': {
      const size = 130;
      layout.ensure(size + 10);
      const image = await pdf.embedPng(block.qrPng);
      const top = layout.y;
      layout.page.drawRectangle({ x: MARGIN, y: top - size - 10, width: WIDTH, height: size + 10, borderColor: BLACK, borderWidth: 1.2 });
      layout.page.drawImage(image, { x: MARGIN + 5, y: top - size - 5, width: size, height: size });
      const x = MARGIN + size + 20;
      layout.page.drawText('Final hash (SHA-256 of the sealed entry)', { x, y: top - 30, size: 9, font: fonts.regular });
      const groups = block.grouped.split(' ');
      layout.page.drawText(groups.slice(0, 8).join(' '), { x, y: top - 50, size: 10.5, font: fonts.mono });
      layout.page.drawText(groups.slice(8).join(' '), { x, y: top - 65, size: 10.5, font: fonts.mono });
      layout.page.drawText(block.hex, { x, y: top - 85, size: 6.5, font: fonts.mono, color: GREY });
      layout.page.drawText(block.words.join(' '), { x, y: top - 108, size: 13, font: fonts.bold });
      layout.y = top - size - 20;
      return;
    }
    case 'signature-blocks': {
      layout.text(block.statement);
      const columnWidth = (WIDTH - 30) / 2;
      for (let i = 0; i < block.people.length; i += 2) {
        layout.ensure(70);
        const top = layout.y;
        block.people.slice(i, i + 2).forEach((person, n) => {
          const x = MARGIN + n * (columnWidth + 30);
          layout.page.drawLine({ start: { x, y: top - 34 }, end: { x: x + columnWidth, y: top - 34 }, thickness: 0.8, color: BLACK });
          layout.page.drawText(layout.clean(`${person.name} - ${person.role}`), { x, y: top - 44, size: 8.5, font: fonts.regular });
          layout.page.drawLine({ start: { x, y: top - 62 }, end: { x: x + columnWidth, y: top - 62 }, thickness: 0.5, color: GREY });
          layout.page.drawText('Date and place', { x, y: top - 71, size: 7, font: fonts.regular, color: GREY });
        });
        layout.y = top - 80;
      }
      return;
    }
  }
}

export async function renderReportPdf(doc: ReportDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  const layout = new Layout(pdf, fonts);
  if (doc.rehearsal) layout.text(REHEARSAL_BANNER.toUpperCase(), { size: 13, font: fonts.bold, color: RED, gap: 8 });
  layout.text(`${doc.rehearsal ? 'REHEARSAL - ' : ''}${doc.title}`, { size: 16, font: fonts.bold });
  layout.text(doc.subtitle, { color: GREY, gap: 4 });
  // Decided before drawing, so the note can stand at the top.
  const lossy = toPdfText(JSON.stringify(doc.sections, (key, value) => (key === 'qrPng' ? undefined : value))).lossy || toPdfText(doc.title).lossy;
  if (lossy) {
    layout.text('Some names or texts hold characters the PDF\'s standard fonts cannot show; here accents are dropped and other characters shown as "?". report.html and transcript.jsonl show them exactly.', { color: GREY, size: 8 });
  }
  for (const section of doc.sections) {
    layout.ensure(60);
    layout.y -= 6;
    layout.text(section.title, { size: 12.5, font: fonts.bold, gap: 3 });
    for (const block of section.blocks) await drawBlock(layout, pdf, block);
  }

  const pages = pdf.getPages();
  pages.forEach((page, i) => {
    const footer = `${doc.ceremonyId} - final hash ${doc.finalHash.slice(0, 16)}... - page ${i + 1} of ${pages.length}`;
    page.drawText(toPdfText(footer).text, { x: MARGIN, y: MARGIN - 10, size: 7, font: fonts.regular, color: GREY });
    if (doc.rehearsal) {
      // A header line and a red frame on every page; no watermark over the text, which would garble copying it out.
      page.drawText('REHEARSAL - NOT A PRODUCTION CEREMONY', { x: MARGIN, y: PAGE[1] - MARGIN + 6, size: 10, font: fonts.bold, color: RED });
      page.drawRectangle({ x: MARGIN / 2, y: MARGIN / 2, width: PAGE[0] - MARGIN, height: PAGE[1] - MARGIN, borderColor: RED, borderWidth: 3 });
    }
  });

  const when = new Date(doc.sealedAt);
  pdf.setTitle(toPdfText(`${doc.rehearsal ? 'REHEARSAL - ' : ''}${doc.title}`).text);
  pdf.setSubject(`${PDF_SUBJECT_PREFIX}${doc.finalHash}`);
  pdf.setKeywords(['conclave', doc.ceremonyId, doc.finalHash, ...(doc.rehearsal ? ['rehearsal'] : [])]);
  pdf.setCreator('Conclave');
  pdf.setProducer('Conclave (pdf-lib)');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  return pdf.save({ useObjectStreams: false });
}

/** The final hash recorded as a report.pdf's subject, or null. */
export async function finalHashInPdf(bytes: Uint8Array): Promise<string | null> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const subject = pdf.getSubject() ?? '';
  return subject.startsWith(PDF_SUBJECT_PREFIX) && /^[0-9a-f]{64}$/.test(subject.slice(PDF_SUBJECT_PREFIX.length)) ? subject.slice(PDF_SUBJECT_PREFIX.length) : null;
}
