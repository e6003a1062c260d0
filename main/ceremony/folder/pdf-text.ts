// Text for the PDF's standard fonts (Helvetica, Courier: WinAnsi, no embedded font): kept
// to printable ASCII so no name can make pdf-lib refuse a character. Letters with
// accents lose them (Müller → Muller), a few letters and punctuation marks are spelled
// out, anything else becomes "?". The report says so when it happened; report.html and
// the transcript keep every name exactly.
const SPELLED: Record<string, string> = {
  ß: 'ss', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Œ: 'OE', œ: 'oe', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Þ: 'Th', þ: 'th', Ð: 'D', ð: 'd', ı: 'i',
};
const PUNCTUATION: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00b7': '-', '\u2022': '*', '\u2192': '->', '\u00a0': ' ', '\t': ' ',
};

export interface PdfText {
  text: string;
  /** True when a letter lost its accent or a character was replaced (not for punctuation spelled out). */
  lossy: boolean;
}

export function toPdfText(input: string): PdfText {
  let text = '';
  let lossy = false;
  for (const ch of input) {
    if (ch >= ' ' && ch <= '~') {
      text += ch;
      continue;
    }
    const punctuation = PUNCTUATION[ch];
    if (punctuation !== undefined) {
      text += punctuation;
      continue;
    }
    lossy = true;
    const spelled = SPELLED[ch];
    if (spelled !== undefined) {
      text += spelled;
      continue;
    }
    const stripped = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    text += /^[ -~]+$/.test(stripped) ? stripped : '?';
  }
  return { text, lossy };
}
