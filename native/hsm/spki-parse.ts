// Reading a SubjectPublicKeyInfo that arrives from outside (a recipient's public key, the
// other token's ephemeral ECDH key): RSA (RFC 8017 RSAPublicKey) and the NIST curves
// P-256 and P-384 (RFC 5480, uncompressed points only). The worker trusts nothing it is
// sent, so this parser accepts only minimal DER and names what is wrong.
import { DomainError } from '../errors';
import { DerError, TAG_BIT_STRING, TAG_INTEGER, TAG_NULL, TAG_OID, TAG_SEQUENCE, decodeObjectIdentifier, readChildren, readSingle, type Tlv } from './der';
import { CURVES, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, type CurveInfo } from './spki';

export type ParsedSpki =
  | { algorithm: 'rsa'; modulus: Uint8Array; publicExponent: Uint8Array; modulusBits: number }
  | { algorithm: 'ec-p256' | 'ec-p384'; curve: CurveInfo; point: Uint8Array };

function positiveInteger(element: Tlv | undefined, what: string): Uint8Array {
  if (!element || element.tag !== TAG_INTEGER || element.content.length === 0) throw new DerError(`${what} is not a DER INTEGER`);
  const c = element.content;
  if ((c[0] as number) & 0x80) throw new DerError(`${what} is negative`);
  if (c.length > 1 && c[0] === 0 && !((c[1] as number) & 0x80)) throw new DerError(`${what} is not minimally encoded`);
  return c[0] === 0 ? c.subarray(1) : c;
}

function bitStringBytes(element: Tlv | undefined): Uint8Array {
  if (!element || element.tag !== TAG_BIT_STRING || element.content.length < 1) throw new DerError('the public key is not a BIT STRING');
  if (element.content[0] !== 0) throw new DerError('the public key BIT STRING has unused bits');
  return element.content.subarray(1);
}

function bits(value: Uint8Array): number {
  return value.length === 0 ? 0 : (value.length - 1) * 8 + (32 - Math.clz32(value[0] as number));
}

/** Parses an RSA or EC (P-256, P-384) SubjectPublicKeyInfo; throws DerError naming the fault. */
export function parseSpki(der: Uint8Array): ParsedSpki {
  const outer = readSingle(der, TAG_SEQUENCE);
  const [algorithm, key, ...extra] = readChildren(outer.content);
  if (!algorithm || algorithm.tag !== TAG_SEQUENCE || !key || extra.length > 0) throw new DerError('not a SubjectPublicKeyInfo (SEQUENCE of algorithm and key)');
  const [oid, params, ...more] = readChildren(algorithm.content);
  if (!oid || oid.tag !== TAG_OID || more.length > 0) throw new DerError('the algorithm identifier is malformed');
  const algorithmOid = decodeObjectIdentifier(oid.content);
  const keyBytes = bitStringBytes(key);
  if (algorithmOid === OID_RSA_ENCRYPTION) {
    if (params && (params.tag !== TAG_NULL || params.content.length !== 0)) throw new DerError('RSA parameters must be NULL');
    const rsaKey = readSingle(keyBytes, TAG_SEQUENCE);
    const [n, e, ...rest] = readChildren(rsaKey.content);
    if (rest.length > 0) throw new DerError('RSAPublicKey has extra fields');
    const modulus = positiveInteger(n, 'the RSA modulus');
    const publicExponent = positiveInteger(e, 'the RSA public exponent');
    return { algorithm: 'rsa', modulus, publicExponent, modulusBits: bits(modulus) };
  }
  if (algorithmOid === OID_EC_PUBLIC_KEY) {
    if (!params || params.tag !== TAG_OID) throw new DerError('EC keys must name their curve by OID');
    const curveOid = decodeObjectIdentifier(params.content);
    const curve = [CURVES['ec-p256'], CURVES['ec-p384']].find((c) => c.oid === curveOid);
    if (!curve) throw new DerError(`the curve ${curveOid} is not supported (P-256 and P-384 are)`);
    if (keyBytes.length !== curve.pointLength || keyBytes[0] !== 0x04) throw new DerError(`the ${curve.algorithm} point is not an uncompressed point of ${curve.pointLength} bytes`);
    return { algorithm: curve.algorithm as 'ec-p256' | 'ec-p384', curve, point: keyBytes };
  }
  throw new DerError(`the key algorithm ${algorithmOid} is not supported (RSA and EC are)`);
}

/** parseSpki for a key that came from outside: a fault becomes a DomainError naming `what`. */
export function peerPublicKey(der: Uint8Array, what: string): ParsedSpki {
  try {
    return parseSpki(der);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    throw new DomainError({
      code: 'PUBLIC_KEY_INVALID',
      message: `${what.replace(/^./u, (c) => c.toUpperCase())} is not a usable SubjectPublicKeyInfo: ${error.message}.`,
      action: 'Check that the public key file is an RSA or EC (P-256, P-384) public key in DER or PEM form, and that it was not altered.',
    });
  }
}
