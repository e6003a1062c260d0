// The printable sheet of a bundle's QR frames (sheet.pdf): every frame numbered, the
// payload's size and SHA-256 on every page so a reader can check what they scanned, and
// how to scan. A4, pdf-lib standard fonts; no dates in the file, so the same frames
// always give the same bytes. The codes are drawn as vector rectangles, not images:
// sharp at any printer resolution, and quick to make for a hundred frames.
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { toPdfText } from '../ceremony/folder/pdf-text';
import type { QrFrames } from './frames';
import { frameSymbol, QR_MARGIN } from './png';

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 36;
const COLUMNS = 3;
const ROWS = 4;
const CELL_W = (PAGE[0] - 2 * MARGIN) / COLUMNS;
const CODE = 140;
const CELL_H = CODE + 24;
const HEADER_H = 90;
const STATIC_CODE = 360;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const RED = rgb(0.75, 0, 0);

export interface SheetOptions {
  /** What the bundle is, e.g. its recipient and key (ASCII is kept; other letters are simplified). */
  label?: string;
  /** Marks every page as rehearsal output. */
  rehearsal?: boolean;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

function header(page: PDFPage, fonts: Fonts, frames: QrFrames, options: SheetOptions, pageNo: number, pages: number, payloadBytes: number): void {
  let y = PAGE[1] - MARGIN - 14;
  const title = `${options.rehearsal ? 'REHEARSAL - ' : ''}Conclave bundle in QR codes${options.label ? `: ${options.label}` : ''}`;
  page.drawText(toPdfText(title).text.slice(0, 90), { x: MARGIN, y, size: 14, font: fonts.bold, color: options.rehearsal ? RED : BLACK });
  y -= 18;
  const how = frames.staticFrame
    ? 'One QR code holds the whole bundle. Scan it with "conclave qr decode" or the Conclave import screen.'
    : `${frames.texts.length} frames. Scan them in any order; about 80% of them are enough. Duplicates do no harm.`;
  page.drawText(how, { x: MARGIN, y, size: 9, font: fonts.regular });
  y -= 14;
  page.drawText(`Bundle: ${payloadBytes} bytes; UR type ${frames.type}; format: docs/qr-transport.md`, { x: MARGIN, y, size: 9, font: fonts.regular, color: GREY });
  y -= 16;
  page.drawText('SHA-256 of the bundle (the decoded file must match):', { x: MARGIN, y, size: 9, font: fonts.bold });
  y -= 12;
  const grouped = frames.sha256.toUpperCase().match(/.{4}/g)!.join(' ');
  page.drawText(grouped, { x: MARGIN, y, size: 9.5, font: fonts.mono });
  const pageText = `page ${pageNo} of ${pages}`;
  page.drawText(pageText, { x: PAGE[0] - MARGIN - fonts.regular.widthOfTextAtSize(pageText, 8), y: PAGE[1] - MARGIN - 12, size: 8, font: fonts.regular, color: GREY });
  if (options.rehearsal) {
    page.drawRectangle({ x: MARGIN / 2, y: MARGIN / 2, width: PAGE[0] - MARGIN, height: PAGE[1] - MARGIN, borderColor: RED, borderWidth: 3 });
  }
}

/**
 * The PDF operators that draw a frame's code, quiet zone included, inside the square of
 * side `box` whose top left is (left, top): one rectangle per horizontal run of dark
 * modules, filled at once. Written as content-stream text because a hundred codes of
 * several hundred runs each are slow to build as pdf-lib operator objects.
 */
function codeOperators(text: string, left: number, top: number, box: number): string {
  const symbol = frameSymbol(text);
  // Module size rounded down to 1/100 pt keeps the numbers short.
  const unit = Math.floor((box / (symbol.size + 2 * QR_MARGIN)) * 100) / 100;
  const out: string[] = ['q', '0 0 0 rg'];
  for (let y = 0; y < symbol.size; y++) {
    let x = 0;
    while (x < symbol.size) {
      if (!symbol.dark(x, y)) {
        x++;
        continue;
      }
      const start = x;
      while (x < symbol.size && symbol.dark(x, y)) x++;
      out.push(`${num(left + (start + QR_MARGIN) * unit)} ${num(top - (y + 1 + QR_MARGIN) * unit)} ${num((x - start) * unit)} ${num(unit)} re`);
    }
  }
  out.push('f', 'Q');
  return `${out.join('\n')}\n`;
}

function addOperators(pdf: PDFDocument, page: PDFPage, operators: string): void {
  page.node.addContentStream(pdf.context.register(pdf.context.flateStream(operators)));
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Renders the sheet for `frames` (as qrFramesFor made them for a payload of `payloadBytes` bytes). */
export async function renderQrSheet(frames: QrFrames, payloadBytes: number, options: SheetOptions = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  const perPage = COLUMNS * ROWS;
  const pages = frames.staticFrame ? 1 : Math.ceil(frames.texts.length / perPage);
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage(PAGE);
    header(page, fonts, frames, options, p + 1, pages, payloadBytes);
    const top = PAGE[1] - MARGIN - HEADER_H;
    if (frames.staticFrame) {
      addOperators(pdf, page, codeOperators(frames.texts[0]!, (PAGE[0] - STATIC_CODE) / 2, top, STATIC_CODE));
      continue;
    }
    let codes = '';
    for (let slot = 0; slot < perPage; slot++) {
      const index = p * perPage + slot;
      const text = frames.texts[index];
      if (text === undefined) break;
      const x = MARGIN + (slot % COLUMNS) * CELL_W;
      const y = top - Math.floor(slot / COLUMNS) * CELL_H;
      codes += codeOperators(text, x + (CELL_W - CODE) / 2, y, CODE);
      const caption = `Frame ${index + 1} of ${frames.texts.length}`;
      page.drawText(caption, { x: x + (CELL_W - fonts.regular.widthOfTextAtSize(caption, 8.5)) / 2, y: y - CODE - 12, size: 8.5, font: fonts.regular });
    }
    addOperators(pdf, page, codes);
  }
  pdf.setTitle(toPdfText(`${options.rehearsal ? 'REHEARSAL - ' : ''}Conclave bundle QR frames${options.label ? ` - ${options.label}` : ''}`).text);
  pdf.setSubject(`Conclave bundle QR frames; SHA-256 ${frames.sha256}`);
  pdf.setCreator('Conclave');
  pdf.setProducer('Conclave (pdf-lib)');
  return pdf.save({ useObjectStreams: false });
}
