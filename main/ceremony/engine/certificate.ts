// A self-signed X.509 v3 certificate whose signature the HSM makes with the key itself:
// the TBSCertificate is built here in DER (native/hsm/der.ts), signed in the token, and
// the result is checked with node:crypto before it is written. CA certificate: basic
// constraints CA (critical), key usage keyCertSign + cRLSign (critical), subject key id.
import { createHash, randomBytes } from 'node:crypto';
import { bitString, concatBytes, derNull, objectIdentifier, octetString, sequence, tlv, unsignedInteger } from '../../../native/hsm/der';
import type { SignMechanism } from '../../../native/hsm/protocol';
import type { CertificateSubject, KeyType } from '../script';

const utf8 = (s: string) => new TextEncoder().encode(s);
const set = (...items: Uint8Array[]) => tlv(0x31, concatBytes(...items));
const explicit = (n: number, content: Uint8Array) => tlv(0xa0 + n, content);
const boolTrue = () => tlv(0x01, Uint8Array.of(0xff));

const NAME_OIDS: Array<[keyof CertificateSubject, string, 'utf8' | 'printable']> = [
  ['country', '2.5.4.6', 'printable'],
  ['state', '2.5.4.8', 'utf8'],
  ['locality', '2.5.4.7', 'utf8'],
  ['organization', '2.5.4.10', 'utf8'],
  ['organizationalUnit', '2.5.4.11', 'utf8'],
  ['commonName', '2.5.4.3', 'utf8'],
];

export function encodeName(subject: CertificateSubject): Uint8Array {
  const rdns = NAME_OIDS.flatMap(([field, oid, kind]) => {
    const value = subject[field];
    if (value === undefined) return [];
    return [set(sequence(objectIdentifier(oid), tlv(kind === 'printable' ? 0x13 : 0x0c, utf8(value))))];
  });
  return sequence(...rdns);
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second. */
function encodeTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050 ? tlv(0x17, utf8(digits.slice(2))) : tlv(0x18, utf8(digits));
}

export interface SignatureScheme {
  mechanism: SignMechanism;
  /** AlgorithmIdentifier DER. */
  algorithm: Uint8Array;
  /** Whether the token returns raw r||s that must be DER-encoded. */
  rawEcdsa: boolean;
}

export function schemeFor(type: KeyType): SignatureScheme | null {
  switch (type) {
    case 'ec-p256':
      return { mechanism: 'ecdsa-sha256', algorithm: sequence(objectIdentifier('1.2.840.10045.4.3.2')), rawEcdsa: true };
    case 'ec-p384':
      return { mechanism: 'ecdsa-sha384', algorithm: sequence(objectIdentifier('1.2.840.10045.4.3.3')), rawEcdsa: true };
    case 'ed25519':
      return { mechanism: 'eddsa', algorithm: sequence(objectIdentifier('1.3.101.112')), rawEcdsa: false };
    case 'rsa-3072':
    case 'rsa-4096':
      return { mechanism: 'rsa-pkcs1-sha256', algorithm: sequence(objectIdentifier('1.2.840.113549.1.1.11'), derNull()), rawEcdsa: false };
    default:
      return null;
  }
}

export interface TbsInput {
  subject: CertificateSubject;
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  scheme: SignatureScheme;
  serial?: Uint8Array;
}

/** The TBSCertificate DER and its serial number (hex). */
export function buildTbs(input: TbsInput): { tbs: Uint8Array; serialHex: string } {
  const serial = input.serial ?? Uint8Array.from(randomBytes(16));
  serial[0] = serial[0]! & 0x7f; // positive, and never 0 at the top so the length stays 16
  if (serial[0] === 0) serial[0] = 0x01;
  const name = encodeName(input.subject);
  const ski = createHash('sha1').update(input.spki).digest();
  const extensions = sequence(
    sequence(objectIdentifier('2.5.29.19'), boolTrue(), octetString(sequence(boolTrue()))),
    // keyCertSign (bit 5) and cRLSign (bit 6): 0x06 = 00000110, 1 unused bit.
    sequence(objectIdentifier('2.5.29.15'), boolTrue(), octetString(tlv(0x03, Uint8Array.of(0x01, 0x06)))),
    sequence(objectIdentifier('2.5.29.14'), octetString(octetString(ski))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Uint8Array.of(2))),
    unsignedInteger(serial),
    input.scheme.algorithm,
    name,
    sequence(encodeTime(input.notBefore), encodeTime(input.notAfter)),
    name,
    input.spki,
    explicit(3, extensions),
  );
  return { tbs, serialHex: Buffer.from(serial).toString('hex') };
}

export function assembleCertificate(tbs: Uint8Array, scheme: SignatureScheme, signature: Uint8Array): Uint8Array {
  return sequence(tbs, scheme.algorithm, bitString(signature));
}

export function certificatePem(der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
