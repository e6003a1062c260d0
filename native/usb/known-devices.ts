// USB devices a ceremony cares about: HSMs and PKCS#11-capable tokens, recognized by
// vendor:product id. Every id below was checked against a public source, named beside it:
//   [usb.ids]  the Linux USB ID repository, as shipped in systemd's
//              hwdb.d/20-usb-vendor-model.hwdb (Debian 12)
//   [libccid]  the CCID driver's supported-reader list, /etc/libccid_Info.plist (Debian 12)
//   [yubihsm]  yubihsm-shell lib/yubihsm.h: YH_VID 0x1050, YH_PID 0x0030
//   [nitrokey] Nitrokey udev rules, 41-nitrokey.rules (libnitrokey data/README.md)
// Devices whose ids could not be confirmed from a public source (Thales Luna USB HSM and
// Luna PED, Entrust nShield Edge) are recognized by their USB product and manufacturer
// strings instead (KNOWN_NAME_PATTERNS), so a wrong guessed id never names the wrong device.

export type KnownDeviceKind = 'hsm' | 'token';

export interface KnownDevice {
  vendorId: number;
  productId: number;
  /** Product name shown to the operator. */
  product: string;
  kind: KnownDeviceKind;
  /** Where the id comes from (see the list at the top of this file). */
  source: 'usb.ids' | 'libccid' | 'yubihsm' | 'nitrokey';
}

const YUBICO = 0x1050;
const NITROKEY = 0x20a0;
const SCM_IDENTIV = 0x04e6;
const ALADDIN = 0x0529;
const GEMALTO = 0x08e6;

export const KNOWN_DEVICES: readonly KnownDevice[] = [
  // Yubico
  { vendorId: YUBICO, productId: 0x0030, product: 'YubiHSM 2', kind: 'hsm', source: 'yubihsm' },
  { vendorId: YUBICO, productId: 0x0010, product: 'YubiKey (v1 or v2)', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0110, product: 'YubiKey NEO OTP', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0111, product: 'YubiKey NEO OTP+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0112, product: 'YubiKey NEO CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0113, product: 'YubiKey NEO U2F', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0114, product: 'YubiKey NEO OTP+U2F', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0115, product: 'YubiKey NEO U2F+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0116, product: 'YubiKey NEO OTP+U2F+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0120, product: 'YubiKey Touch U2F Security Key', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0401, product: 'YubiKey 4/5 OTP', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0402, product: 'YubiKey 4/5 U2F', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0403, product: 'YubiKey 4/5 OTP+U2F', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0404, product: 'YubiKey 4/5 CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0405, product: 'YubiKey 4/5 OTP+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0406, product: 'YubiKey 4/5 U2F+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0407, product: 'YubiKey 4/5 OTP+U2F+CCID', kind: 'token', source: 'usb.ids' },
  { vendorId: YUBICO, productId: 0x0410, product: 'YubiKey Plus OTP+U2F', kind: 'token', source: 'usb.ids' },

  // Nitrokey (the Nitrokey HSM 2 keeps the Nitrokey HSM id)
  { vendorId: NITROKEY, productId: 0x4230, product: 'Nitrokey HSM 2', kind: 'hsm', source: 'nitrokey' },
  { vendorId: NITROKEY, productId: 0x4108, product: 'Nitrokey Pro', kind: 'token', source: 'nitrokey' },
  { vendorId: NITROKEY, productId: 0x4109, product: 'Nitrokey Storage', kind: 'token', source: 'nitrokey' },
  { vendorId: NITROKEY, productId: 0x4211, product: 'Nitrokey Start', kind: 'token', source: 'nitrokey' },
  { vendorId: NITROKEY, productId: 0x42b2, product: 'Nitrokey 3', kind: 'token', source: 'nitrokey' },

  // CardContact SmartCard-HSM USB sticks are a SmartCard-HSM chip inside an Identiv
  // (formerly SCM Microsystems) token reader; libccid lists the reader ids.
  { vendorId: SCM_IDENTIV, productId: 0x5816, product: 'SmartCard-HSM USB token (Identiv uTrust 3512 token)', kind: 'hsm', source: 'libccid' },
  { vendorId: SCM_IDENTIV, productId: 0x5817, product: 'SmartCard-HSM USB token (Identive SCT3522CC token)', kind: 'hsm', source: 'libccid' },

  // Thales / SafeNet (formerly Aladdin) eToken
  { vendorId: ALADDIN, productId: 0x050c, product: 'SafeNet eToken Pro (v4.1)', kind: 'token', source: 'usb.ids' },
  { vendorId: ALADDIN, productId: 0x0514, product: 'SafeNet eToken Pro (v4.2)', kind: 'token', source: 'usb.ids' },
  { vendorId: ALADDIN, productId: 0x0600, product: 'SafeNet eToken Pro 64k', kind: 'token', source: 'usb.ids' },
  { vendorId: ALADDIN, productId: 0x0602, product: 'SafeNet eToken 7300', kind: 'token', source: 'libccid' },
  { vendorId: ALADDIN, productId: 0x0620, product: 'SafeNet eToken 5100/5110', kind: 'token', source: 'libccid' },
  { vendorId: GEMALTO, productId: 0x34cc, product: 'SafeNet eToken 5300', kind: 'token', source: 'libccid' },
  { vendorId: GEMALTO, productId: 0x34ce, product: 'SafeNet eToken 5300 C', kind: 'token', source: 'libccid' },
  { vendorId: GEMALTO, productId: 0x34cf, product: 'SafeNet eToken 5110+ FIPS', kind: 'token', source: 'libccid' },
  { vendorId: GEMALTO, productId: 0x34d2, product: 'SafeNet eToken Fusion', kind: 'token', source: 'libccid' },
];

export interface KnownNamePattern {
  /** Matched against "<manufacturer> <product>" as the device reports them. */
  pattern: RegExp;
  product: string;
  kind: KnownDeviceKind;
}

// Recognized by descriptor strings because no public source confirmed their ids.
export const KNOWN_NAME_PATTERNS: readonly KnownNamePattern[] = [
  { pattern: /\bluna\b.*\bped\b|\bped\b.*\bluna\b/i, product: 'Thales Luna PED', kind: 'hsm' },
  { pattern: /\bluna\b.*\b(hsm|usb|g5|g7|backup)\b|\b(safenet|thales|chrysalis)\b.*\bluna\b/i, product: 'Thales Luna USB HSM', kind: 'hsm' },
  { pattern: /\bnshield\b|\bncipher\b/i, product: 'Entrust nShield Edge', kind: 'hsm' },
];

const byId = new Map<string, KnownDevice>(KNOWN_DEVICES.map((d) => [idKey(d.vendorId, d.productId), d]));

function idKey(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}

/** "1050:0030" — the vendor:product notation lsusb and udev use. */
export function formatUsbId(vendorId: number, productId: number): string {
  return idKey(vendorId, productId);
}

export interface Identification {
  product: string;
  kind: KnownDeviceKind;
}

/**
 * Names a device: first by exact vendor:product id, then by its descriptor strings.
 * Returns null for a device that is neither a known HSM nor a known token.
 */
export function identifyDevice(
  vendorId: number,
  productId: number,
  strings: { manufacturerName?: string | null; productName?: string | null } = {},
): Identification | null {
  const known = byId.get(idKey(vendorId, productId));
  if (known) return { product: known.product, kind: known.kind };
  const text = `${strings.manufacturerName ?? ''} ${strings.productName ?? ''}`.trim();
  if (text === '') return null;
  const match = KNOWN_NAME_PATTERNS.find((p) => p.pattern.test(text));
  return match ? { product: match.product, kind: match.kind } : null;
}
