// Known answers from the Blockchain Commons reference implementation's test suite
// (bc-ur, test/test.cpp, with the current Bytewords list): the CRC, Bytewords, the generator, the sampler, the shuffle,
// the fountain code and whole UR texts. Matching them bit for bit is what makes
// Conclave's frames readable by any other UR decoder and theirs by ours.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMinimal, encodeMinimal } from '../../../main/qr/bytewords';
import { encodeBytes } from '../../../main/qr/cbor';
import { crc32 } from '../../../main/qr/crc32';
import { chooseDegree, chooseFragments, decodePart, encodePart, fountainParts, FountainSolver, nominalFragmentLength, partitionMessage, shuffled } from '../../../main/qr/fountain';
import { RandomSampler } from '../../../main/qr/random-sampler';
import { multiPartUr, parseUr, singlePartUr } from '../../../main/qr/ur';
import { Xoshiro256 } from '../../../main/qr/xoshiro';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const makeMessage = (len: number, seed = 'Wolf') => new Xoshiro256(seed).nextData(len);
const crcBytes = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

describe('CRC-32 and Bytewords', () => {
  test('CRC-32', () => {
    assert.equal(crc32(new TextEncoder().encode('Hello, world!')).toString(16), 'ebe6c6e6');
    assert.equal(crc32(new TextEncoder().encode('Wolf')).toString(16), '598c84dc');
  });

  test('minimal Bytewords, short', () => {
    const input = Uint8Array.of(0, 1, 2, 128, 255);
    assert.equal(encodeMinimal(input), 'aeadaolazmjendeoti');
    assert.deepEqual(decodeMinimal('aeadaolazmjendeoti'), input);
    assert.throws(() => decodeMinimal('aeadaolazojendeowf'), /checksum/);
  });

  test('minimal Bytewords, 100 bytes', () => {
    const input = Uint8Array.from([
      245, 215, 20, 198, 241, 235, 69, 59, 209, 205, 165, 18, 150, 158, 116, 135, 229, 212, 19, 159, 17, 37, 239, 240, 253, 11, 109, 191, 37, 242, 38, 120, 223, 41, 156, 189, 242, 254,
      147, 204, 66, 163, 216, 175, 191, 72, 169, 54, 32, 60, 144, 230, 210, 137, 184, 197, 33, 113, 88, 14, 157, 31, 177, 46, 1, 115, 205, 69, 225, 150, 65, 235, 58, 144, 65, 240, 133,
      69, 113, 247, 63, 53, 242, 165, 160, 144, 26, 13, 79, 237, 133, 71, 82, 69, 254, 165, 138, 41, 85, 24,
    ]);
    const minimal =
      'yktsbbswwnwmfefrttsnonbgmtnnjyltvwtybwnebydawswtzcbdjnrsdawzdsksurdtnsrywzzemusffwottppersfdptencxfnmhvatdldroskcljshdbantctpadmadjksnfevymtfpwmftmhfpwtlpfejsyl' +
      'fhecwzonnbmhcybtgwwelpflgmfezeonledtgocsfzhycypf';
    assert.equal(encodeMinimal(input), minimal);
    assert.deepEqual(decodeMinimal(minimal), input);
  });
});

describe('xoshiro256**', () => {
  test('seeded from a string', () => {
    const rng = new Xoshiro256('Wolf');
    const got = Array.from({ length: 100 }, () => Number(rng.next() % 100n));
    assert.deepEqual(got, [
      42, 81, 85, 8, 82, 84, 76, 73, 70, 88, 2, 74, 40, 48, 77, 54, 88, 7, 5, 88, 37, 25, 82, 13, 69, 59, 30, 39, 11, 82, 19, 99, 45, 87, 30, 15, 32, 22, 89, 44, 92, 77, 29, 78, 4, 92, 44,
      68, 92, 69, 1, 42, 89, 50, 37, 84, 63, 34, 32, 3, 17, 62, 40, 98, 82, 89, 24, 43, 85, 39, 15, 3, 99, 29, 20, 42, 27, 10, 85, 66, 50, 35, 69, 70, 70, 74, 30, 13, 72, 54, 11, 5, 70,
      55, 91, 52, 10, 43, 43, 52,
    ]);
  });

  test('seeded from a CRC-32 as four big-endian bytes', () => {
    const rng = new Xoshiro256(crcBytes(crc32(new TextEncoder().encode('Wolf'))));
    const got = Array.from({ length: 100 }, () => Number(rng.next() % 100n));
    assert.deepEqual(got, [
      88, 44, 94, 74, 0, 99, 7, 77, 68, 35, 47, 78, 19, 21, 50, 15, 42, 36, 91, 11, 85, 39, 64, 22, 57, 11, 25, 12, 1, 91, 17, 75, 29, 47, 88, 11, 68, 58, 27, 65, 21, 54, 47, 54, 73, 83,
      23, 58, 75, 27, 26, 15, 60, 36, 30, 21, 55, 57, 77, 76, 75, 47, 53, 76, 9, 91, 14, 69, 3, 95, 11, 73, 20, 99, 68, 61, 3, 98, 36, 98, 56, 65, 14, 80, 74, 57, 63, 68, 51, 56, 24, 39,
      53, 80, 57, 51, 81, 3, 1, 30,
    ]);
  });

  test('nextInt', () => {
    const rng = new Xoshiro256('Wolf');
    const got = Array.from({ length: 100 }, () => rng.nextInt(1, 10));
    assert.deepEqual(got, [
      6, 5, 8, 4, 10, 5, 7, 10, 4, 9, 10, 9, 7, 7, 1, 1, 2, 9, 9, 2, 6, 4, 5, 7, 8, 5, 4, 2, 3, 8, 7, 4, 5, 1, 10, 9, 3, 10, 2, 6, 8, 5, 7, 9, 3, 1, 5, 2, 7, 1, 4, 4, 4, 4, 9, 4, 5, 5, 6, 9,
      5, 1, 2, 8, 3, 3, 2, 8, 4, 3, 2, 1, 10, 8, 9, 3, 10, 8, 5, 5, 6, 7, 10, 5, 8, 9, 4, 6, 4, 2, 10, 2, 1, 7, 9, 6, 7, 4, 2, 5,
    ]);
  });

  test('nextData, and XOR of two blocks', () => {
    const rng = new Xoshiro256('Wolf');
    const a = rng.nextData(10);
    const b = rng.nextData(10);
    assert.equal(hex(a), '916ec65cf77cadf55cd7');
    assert.equal(hex(b), 'f9cda1a1030026ddd42e');
    assert.equal(hex(a.map((x, i) => x ^ b[i]!)), '68a367fdf47c8b2888f9');
  });
});

describe('fountain code building blocks', () => {
  test('alias sampler', () => {
    const sampler = new RandomSampler([1, 2, 4, 8]);
    const rng = new Xoshiro256('Wolf');
    const got = Array.from({ length: 500 }, () => sampler.next(() => rng.nextDouble()));
    // prettier-ignore
    const expected = [3, 3, 3, 3, 3, 3, 3, 0, 2, 3, 3, 3, 3, 1, 2, 2, 1, 3, 3, 2, 3, 3, 1, 1, 2, 1, 1, 3, 1, 3, 1, 2, 0, 2, 1, 0, 3, 3, 3, 1, 3, 3, 3, 3, 1, 3, 2, 3, 2, 2, 3, 3, 3, 3, 2, 3, 3, 0, 3, 3, 3, 3, 1, 2, 3, 3, 2, 2, 2, 1, 2, 2, 1, 2, 3, 1, 3, 0, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 1, 3, 3, 2, 0, 2, 2, 3, 1, 1, 2, 3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 2, 3, 1, 2, 1, 1, 3, 1, 3, 2, 2, 3, 3, 3, 1, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2, 3, 3, 1, 2, 3, 3, 1, 3, 2, 3, 3, 3, 2, 3, 1, 3, 0, 3, 2, 1, 1, 3, 1, 3, 2, 3, 3, 3, 3, 2, 0, 3, 3, 1, 3, 0, 2, 1, 3, 3, 1, 1, 3, 1, 2, 3, 3, 3, 0, 2, 3, 2, 0, 1, 3, 3, 3, 2, 2, 2, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 3, 2, 0, 2, 3, 3, 3, 3, 2, 1, 1, 1, 2, 1, 3, 3, 3, 2, 2, 3, 3, 1, 2, 3, 0, 3, 2, 3, 3, 3, 3, 0, 2, 2, 3, 2, 2, 3, 3, 3, 3, 1, 3, 2, 3, 3, 3, 3, 3, 2, 2, 3, 1, 3, 0, 2, 1, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 3, 3, 3, 2, 2, 2, 3, 1, 1, 3, 2, 2, 0, 3, 2, 1, 2, 1, 0, 3, 3, 3, 2, 2, 3, 2, 1, 2, 0, 0, 3, 3, 2, 3, 3, 2, 3, 3, 3, 3, 3, 2, 2, 2, 3, 3, 3, 3, 3, 1, 1, 3, 2, 2, 3, 1, 1, 0, 1, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 1, 2, 3, 3, 2, 2, 2, 2, 3, 3, 2, 0, 2, 1, 3, 3, 3, 3, 0, 3, 3, 3, 3, 2, 2, 3, 1, 3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 2, 1, 3, 3, 3, 3, 2, 2, 0, 1, 2, 3, 2, 0, 3, 3, 3, 3, 3, 3, 1, 3, 3, 2, 3, 2, 2, 3, 3, 3, 3, 3, 2, 2, 3, 3, 2, 2, 2, 1, 3, 3, 3, 3, 1, 2, 3, 2, 3, 3, 2, 3, 2, 3, 3, 3, 2, 3, 1, 2, 3, 2, 1, 1, 3, 3, 2, 3, 3, 2, 3, 3, 0, 0, 1, 3, 3, 2, 3, 3, 3, 3, 1, 3, 3, 0, 3, 2, 3, 3, 1, 3, 3, 3, 3, 3, 3, 3, 0, 3, 3, 2];
    assert.deepEqual(got, expected);
  });

  test('shuffle', () => {
    const rng = new Xoshiro256('Wolf');
    const got = Array.from({ length: 10 }, () => shuffled([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rng));
    assert.deepEqual(got, [
      [6, 4, 9, 3, 10, 5, 7, 8, 1, 2],
      [10, 8, 6, 5, 1, 2, 3, 9, 7, 4],
      [6, 4, 5, 8, 9, 3, 2, 1, 7, 10],
      [7, 3, 5, 1, 10, 9, 4, 8, 2, 6],
      [8, 5, 7, 10, 2, 1, 4, 3, 9, 6],
      [4, 3, 5, 6, 10, 2, 7, 8, 9, 1],
      [5, 1, 3, 9, 4, 6, 2, 10, 7, 8],
      [2, 1, 10, 8, 9, 4, 7, 6, 3, 5],
      [6, 7, 10, 4, 8, 9, 2, 3, 1, 5],
      [10, 2, 1, 7, 9, 5, 6, 3, 4, 8],
    ]);
  });

  test('nominal fragment length', () => {
    assert.equal(nominalFragmentLength(12345, 1005, 1955), 1764);
    assert.equal(nominalFragmentLength(12345, 1005, 30000), 12345);
  });

  test('partition', () => {
    const message = makeMessage(1024);
    const fragments = partitionMessage(message, nominalFragmentLength(message.length, 10, 100));
    assert.equal(fragments.length, 11);
    assert.equal(hex(fragments[0]!), '916ec65cf77cadf55cd7f9cda1a1030026ddd42e905b77adc36e4f2d3ccba44f7f04f2de44f42d84c374a0e149136f25b01852545961d55f7f7a8cde6d0e2ec43f3b2dcb644a2209e8c9e34af5c4747984a5e873c9cf5f965e25ee29039f');
    assert.equal(hex(fragments[10]!), '170010067e2e75ebe2d2904aeb1f89d5dc98cd4a6f2faaa8be6d03354c990fd895a97feb54668473e9d942bb99e196d897e8f1b01625cf48a7b78d249bb4985c065aa8cd1402ed2ba1b6f908f63dcd84b66425df00000000000000000000');
  });

  test('degree choice', () => {
    const got = Array.from({ length: 200 }, (_, i) => chooseDegree(11, new Xoshiro256(`Wolf-${i + 1}`)));
    // prettier-ignore
    assert.deepEqual(got, [11, 3, 6, 5, 2, 1, 2, 11, 1, 3, 9, 10, 10, 4, 2, 1, 1, 2, 1, 1, 5, 2, 4, 10, 3, 2, 1, 1, 3, 11, 2, 6, 2, 9, 9, 2, 6, 7, 2, 5, 2, 4, 3, 1, 6, 11, 2, 11, 3, 1, 6, 3, 1, 4, 5, 3, 6, 1, 1, 3, 1, 2, 2, 1, 4, 5, 1, 1, 9, 1, 1, 6, 4, 1, 5, 1, 2, 2, 3, 1, 1, 5, 2, 6, 1, 7, 11, 1, 8, 1, 5, 1, 1, 2, 2, 6, 4, 10, 1, 2, 5, 5, 5, 1, 1, 4, 1, 1, 1, 3, 5, 5, 5, 1, 4, 3, 3, 5, 1, 11, 3, 2, 8, 1, 2, 1, 1, 4, 5, 2, 1, 1, 1, 5, 6, 11, 10, 7, 4, 7, 1, 5, 3, 1, 1, 9, 1, 2, 5, 5, 2, 2, 3, 10, 1, 3, 2, 3, 3, 1, 1, 2, 1, 3, 2, 2, 1, 3, 8, 4, 1, 11, 6, 3, 1, 1, 1, 1, 1, 3, 1, 2, 1, 10, 1, 1, 8, 2, 7, 1, 2, 1, 9, 2, 10, 2, 1, 3, 4, 10]);
  });

  test('fragment choice', () => {
    const message = makeMessage(1024);
    const checksum = crc32(message);
    const got = Array.from({ length: 30 }, (_, i) => chooseFragments(i + 1, 11, checksum).sort((a, b) => a - b));
    assert.deepEqual(got, [
      [0], [1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [9], [2, 5, 6, 8, 9, 10], [8], [1, 5], [1], [0, 2, 4, 5, 8, 10], [5], [2], [2], [0, 1, 3, 4, 5, 7, 9, 10],
      [0, 1, 2, 3, 5, 6, 8, 9, 10], [0, 2, 4, 5, 7, 8, 9, 10], [3, 5], [4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 1, 3, 4, 5, 6, 7, 9, 10], [6], [5, 6], [7],
    ]);
  });
});

describe('fountain encoder and UR texts', () => {
  test('the parts of a 256-byte message, and their CBOR', () => {
    const message = makeMessage(256);
    const parts = fountainParts(message, nominalFragmentLength(256, 10, 30), 1, 20);
    assert.equal(parts[0]!.seqLen, 9);
    assert.equal(parts[0]!.checksum, 23570951);
    assert.equal(hex(parts[0]!.data), '916ec65cf77cadf55cd7f9cda1a1030026ddd42e905b77adc36e4f2d3c');
    assert.equal(hex(parts[9]!.data), '330f0f33a05eead4f331df229871bee733b50de71afd2e5a79f196de09');
    assert.equal(hex(parts[19]!.data), 'e055c2433562184fa71b4be94f262e200f01c6f74c284b0dc6fae6673f');
    assert.equal(hex(encodePart(parts[0]!)), '8501091901001a0167aa07581d916ec65cf77cadf55cd7f9cda1a1030026ddd42e905b77adc36e4f2d3c');
    assert.equal(hex(encodePart(parts[14]!)), '850f091901001a0167aa07581d73f021c0e6f65b05c0a494e50791270a0050a73ae69b6725505a2ec8a5');
    assert.deepEqual(decodePart(encodePart(parts[13]!)), parts[13]);
  });

  test('single-part UR', () => {
    const cbor = encodeBytes(makeMessage(50));
    const text = 'ur:bytes/hdeymejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtgwdpfnsboxgwlbaawzuefywkdplrsrjynbvygabwjldapfcsdwkbrkch';
    assert.equal(singlePartUr('bytes', cbor), text);
    const parsed = parseUr(text);
    assert.equal(parsed.kind, 'single');
    assert.deepEqual(parsed.kind === 'single' && parsed.cbor, cbor);
  });

  test('multi-part UR texts', () => {
    const cbor = encodeBytes(makeMessage(256));
    const texts = fountainParts(cbor, nominalFragmentLength(cbor.length, 10, 30), 1, 20).map((p) => multiPartUr('bytes', p));
    const expected = [
      'ur:bytes/1-9/lpadascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtdkgslpgh',
      'ur:bytes/2-9/lpaoascfadaxcywenbpljkhdcagwdpfnsboxgwlbaawzuefywkdplrsrjynbvygabwjldapfcsgmghhkhstlrdcxaefz',
      'ur:bytes/3-9/lpaxascfadaxcywenbpljkhdcahelbknlkuejnbadmssfhfrdpsbiegecpasvssovlgeykssjykklronvsjksopdzmol',
      'ur:bytes/4-9/lpaaascfadaxcywenbpljkhdcasotkhemthydawydtaxneurlkosgwcekonertkbrlwmplssjtammdplolsbrdzcrtas',
      'ur:bytes/5-9/lpahascfadaxcywenbpljkhdcatbbdfmssrkzmcwnezelennjpfzbgmuktrhtejscktelgfpdlrkfyfwdajldejokbwf',
      'ur:bytes/6-9/lpamascfadaxcywenbpljkhdcackjlhkhybssklbwefectpfnbbectrljectpavyrolkzczcpkmwidmwoxkilghdsowp',
      'ur:bytes/7-9/lpatascfadaxcywenbpljkhdcavszmwnjkwtclrtvaynhpahrtoxmwvwatmedibkaegdosftvandiodagdhthtrlnnhy',
      'ur:bytes/8-9/lpayascfadaxcywenbpljkhdcadmsponkkbbhgsoltjntegepmttmoonftnbuoiyrehfrtsabzsttorodklubbuyaetk',
      'ur:bytes/9-9/lpasascfadaxcywenbpljkhdcajskecpmdckihdyhphfotjojtfmlnwmadspaxrkytbztpbauotbgtgtaeaevtgavtny',
      'ur:bytes/10-9/lpbkascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtwdkiplzs',
      'ur:bytes/11-9/lpbdascfadaxcywenbpljkhdcahelbknlkuejnbadmssfhfrdpsbiegecpasvssovlgeykssjykklronvsjkvetiiapk',
      'ur:bytes/12-9/lpbnascfadaxcywenbpljkhdcarllaluzmdmgstospeyiefmwejlwtpedamktksrvlcygmzemovovllarodtmtbnptrs',
      'ur:bytes/13-9/lpbtascfadaxcywenbpljkhdcamtkgtpknghchchyketwsvwgwfdhpgmgtylctotzopdrpayoschcmhplffziachrfgd',
      'ur:bytes/14-9/lpbaascfadaxcywenbpljkhdcapazewnvonnvdnsbyleynwtnsjkjndeoldydkbkdslgjkbbkortbelomueekgvstegt',
      'ur:bytes/15-9/lpbsascfadaxcywenbpljkhdcaynmhpddpzmversbdqdfyrehnqzlugmjzmnmtwmrouohtstgsbsahpawkditkckynwt',
      'ur:bytes/16-9/lpbeascfadaxcywenbpljkhdcawygekobamwtlihsnpalnsghenskkiynthdzotsimtojetprsttmukirlrsbtamjtpd',
      'ur:bytes/17-9/lpbyascfadaxcywenbpljkhdcamklgftaxykpewyrtqzhydntpnytyisincxmhtbceaykolduortotiaiaiafhiaoyce',
      'ur:bytes/18-9/lpbgascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtntwkbkwy',
      'ur:bytes/19-9/lpbwascfadaxcywenbpljkhdcadekicpaajootjzpsdrbalpeywllbdsnbinaerkurspbncxgslgftvtsrjtksplcpeo',
      'ur:bytes/20-9/lpbbascfadaxcywenbpljkhdcayapmrleeleaxpasfrtrdkncffwjyjzgyetdmlewtkpktgllepfrltataztksmhkbot',
    ];
    assert.deepEqual(texts, expected);
  });

  test('a 32767-byte message through 1000-byte parts from sequence number 101 reassembles', () => {
    const cbor = encodeBytes(makeMessage(32767));
    const fragmentLen = nominalFragmentLength(cbor.length, 10, 1000);
    const parts = fountainParts(cbor, fragmentLen, 101, 200);
    const solver = new FountainSolver(parts[0]!.seqLen, fragmentLen);
    for (const part of parts) {
      solver.add(chooseFragments(part.seqNum, part.seqLen, part.checksum), part.data);
      if (solver.complete) break;
    }
    assert.ok(solver.complete);
    assert.deepEqual(solver.message(cbor.length), cbor);
  });
});
