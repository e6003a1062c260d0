// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) built from the public attributes a PKCS#11
// token reports: CKA_MODULUS/CKA_PUBLIC_EXPONENT for RSA (RFC 8017 RSAPublicKey),
// CKA_EC_PARAMS/CKA_EC_POINT for NIST curves (RFC 5480) and Ed25519 (RFC 8410).
import {
  DerError,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_PRINTABLE_STRING,
  bitString,
  decodeObjectIdentifier,
  derNull,
  objectIdentifier,
  readSingle,
  sequence,
  unsignedInteger,
} from './der';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_P256 = '1.2.840.10045.3.1.7';
export const OID_P384 = '1.3.132.0.34';
export const OID_ED25519 = '1.3.101.112';

export type PublicKeyAlgorithm = 'rsa' | 'ec-p256' | 'ec-p384' | 'ed25519';

export interface CurveInfo {
  algorithm: 'ec-p256' | 'ec-p384' | 'ed25519';
  oid: string;
  /** Length of the raw public point: 65/97 (uncompressed 04||X||Y) or 32 (Ed25519). */
  pointLength: number;
  /** Bytes per coordinate; the length of r and s in a signature. */
  fieldBytes: number;
}

export const CURVES: Record<CurveInfo['algorithm'], CurveInfo> = {
  'ec-p256': { algorithm: 'ec-p256', oid: OID_P256, pointLength: 65, fieldBytes: 32 },
  'ec-p384': { algorithm: 'ec-p384', oid: OID_P384, pointLength: 97, fieldBytes: 48 },
  ed25519: { algorithm: 'ed25519', oid: OID_ED25519, pointLength: 32, fieldBytes: 32 },
};

/** CKA_EC_PARAMS for a curve: the DER-encoded named-curve OID. */
export function ecParamsFor(algorithm: CurveInfo['algorithm']): Uint8Array {
  return objectIdentifier(CURVES[algorithm].oid);
}

/**
 * The curve named by a CKA_EC_PARAMS value. Accepts a named-curve OID and, for Ed25519,
 * the PrintableString "edwards25519" that PKCS#11 3.0 also allows. Explicit curve
 * parameters are refused: a ceremony uses named curves only.
 */
export function curveFromEcParams(ecParams: Uint8Array): CurveInfo {
  let element;
  try {
    element = readSingle(ecParams);
  } catch (error) {
    throw new DerError(`CKA_EC_PARAMS is not valid DER: ${(error as Error).message}`);
  }
  if (element.tag === TAG_PRINTABLE_STRING) {
    const name = new TextDecoder().decode(element.content);
    if (name === 'edwards25519') return CURVES.ed25519;
    throw new DerError(`unsupported curve name "${name}" in CKA_EC_PARAMS`);
  }
  if (element.tag !== TAG_OID) throw new DerError('CKA_EC_PARAMS holds explicit curve parameters; only named curves are supported');
  const oid = decodeObjectIdentifier(element.content);
  const curve = Object.values(CURVES).find((c) => c.oid === oid);
  if (!curve) throw new DerError(`unsupported curve OID ${oid} in CKA_EC_PARAMS`);
  return curve;
}

/**
 * The raw public point from CKA_EC_POINT. PKCS#11 says it is a DER OCTET STRING around
 * the point; some modules return the bare point. The length tells the two apart.
 */
export function ecPointFromAttribute(ecPoint: Uint8Array, curve: CurveInfo): Uint8Array {
  let point = ecPoint;
  if (ecPoint.length !== curve.pointLength) {
    try {
      point = readSingle(ecPoint, TAG_OCTET_STRING).content;
    } catch (error) {
      throw new DerError(`CKA_EC_POINT is neither a bare point nor a DER OCTET STRING: ${(error as Error).message}`);
    }
  }
  if (point.length !== curve.pointLength) {
    throw new DerError(`CKA_EC_POINT holds ${point.length} bytes; ${curve.algorithm} needs ${curve.pointLength}`);
  }
  if (curve.algorithm !== 'ed25519' && point[0] !== 0x04) {
    throw new DerError('CKA_EC_POINT is not an uncompressed point (04 || X || Y)');
  }
  return point;
}

export function rsaSpki(modulus: Uint8Array, publicExponent: Uint8Array): Uint8Array {
  const rsaPublicKey = sequence(unsignedInteger(modulus), unsignedInteger(publicExponent));
  return sequence(sequence(objectIdentifier(OID_RSA_ENCRYPTION), derNull()), bitString(rsaPublicKey));
}

export function ecSpki(curve: CurveInfo, point: Uint8Array): Uint8Array {
  if (curve.algorithm === 'ed25519') return sequence(sequence(objectIdentifier(OID_ED25519)), bitString(point));
  return sequence(sequence(objectIdentifier(OID_EC_PUBLIC_KEY), objectIdentifier(curve.oid)), bitString(point));
}

export function toPem(der: Uint8Array, label = 'PUBLIC KEY'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Bit length of an unsigned big-endian integer (the RSA modulus size). */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}
