// Bytewords (BCR-2020-012), "minimal" style: every byte becomes the first and last letter
// of its four-letter word, and a CRC-32 of the bytes is appended before encoding, so a
// changed letter is caught either as a pair that is no word or as a checksum mismatch.
import { crc32, crc32Bytes } from './crc32';

const WORDS =
  'ableacidalsoapexaquaarchatomauntawayaxisbackbaldbarnbeltbetabiasbluebodybragbrewbulbbuzzcalmcashcatschefcityclawcodecolacookcostcruxcurlcuspcyan' +
  'darkdatadaysdelidicedietdoordowndrawdropdrumdulldutyeacheasyechoedgeepicevenexamexiteyesfactfairfernfigsfilmfishfizzflapflewfluxfoxyfreefrogfuelfund' +
  'galagamegeargemsgiftgirlglowgoodgraygrimgurugushgyrohalfhanghardhawkheathelphighhillholyhopehornhutsicedideaidleinchinkyintoirisironitemjadejazzjoin' +
  'joltjowljudojugsjumpjunkjurykeepkenokeptkeyskickkilnkingkitekiwiknoblamblavalazyleaflegsliarlimplionlistlogoloudloveluaulucklungmainmanymathmazememo' +
  'menumeowmildmintmissmonknailnavyneednewsnextnoonnotenumbobeyoboeomitonyxopenovalowlspaidpartpeckplaypluspoempoolposepuffpumapurrquadquizraceramprealredo' +
  'richroadrockroofrubyruinrunsrustsafesagascarsetssilkskewslotsoapsolosongstubsurfswantacotasktaxitenttiedtimetinytoiltombtoystriptunatwinuglyundounit' +
  'urgeuservastveryvetovialvibeviewvisavoidvowswallwandwarmwaspwavewaxywebswhatwhenwhizwolfworkyankyawnyellyogayurtzapszerozestzinczonezoom';

/** The full four-letter word for a byte (for people reading a frame aloud or in tests). */
export function byteword(byte: number): string {
  return WORDS.slice(byte * 4, byte * 4 + 4);
}

const MINIMAL: string[] = [];
const FROM_MINIMAL = new Map<string, number>();
for (let byte = 0; byte < 256; byte++) {
  const pair = WORDS[byte * 4]! + WORDS[byte * 4 + 3]!;
  MINIMAL.push(pair);
  FROM_MINIMAL.set(pair, byte);
}
if (WORDS.length !== 1024 || FROM_MINIMAL.size !== 256) throw new Error('The Bytewords list is damaged.');

/** Why a Bytewords string did not decode; `at` is the character offset of the problem. */
export class BytewordsError extends Error {
  constructor(
    message: string,
    readonly at: number | null,
  ) {
    super(message);
    this.name = 'BytewordsError';
  }
}

/** Encodes bytes plus their CRC-32 as lower-case minimal Bytewords. */
export function encodeMinimal(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += MINIMAL[byte]!;
  for (const byte of crc32Bytes(bytes)) out += MINIMAL[byte]!;
  return out;
}

/**
 * Decodes lower-case minimal Bytewords and checks the trailing CRC-32; returns the bytes
 * without it. Throws BytewordsError naming the first bad letter pair or the checksum.
 */
export function decodeMinimal(text: string): Uint8Array {
  if (text.length % 2 !== 0) throw new BytewordsError(`it has an odd number of letters (${text.length}), so one is missing or extra`, null);
  const all = new Uint8Array(text.length / 2);
  for (let i = 0; i < all.length; i++) {
    const pair = text.slice(i * 2, i * 2 + 2);
    const byte = FROM_MINIMAL.get(pair);
    if (byte === undefined) throw new BytewordsError(`"${pair}" is not a Bytewords letter pair`, i * 2);
    all[i] = byte;
  }
  if (all.length < 5) throw new BytewordsError(`it holds ${all.length} bytes, fewer than the 4-byte checksum plus at least one byte`, null);
  const body = all.slice(0, all.length - 4);
  const tail = all.slice(all.length - 4);
  const expected = crc32(body);
  const found = ((tail[0]! << 24) | (tail[1]! << 16) | (tail[2]! << 8) | tail[3]!) >>> 0;
  if (expected !== found) throw new BytewordsError('its checksum does not match its content (a character was changed or misread)', null);
  return body;
}
