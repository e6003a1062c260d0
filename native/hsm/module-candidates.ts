// Where the PKCS#11 modules of common HSMs and tokens install themselves on Linux, so the
// operator can pick one instead of typing a path. Paths vary by distribution and
// architecture; each vendor lists every usual place, and `exists` says which are here.
import { existsSync } from 'node:fs';

export interface ModuleCandidate {
  vendor: string;
  path: string;
  exists: boolean;
}

const MULTIARCH = ['x86_64-linux-gnu', 'aarch64-linux-gnu'];

const KNOWN: ReadonlyArray<{ vendor: string; paths: string[] }> = [
  {
    vendor: 'SoftHSM2',
    paths: [
      '/usr/lib/softhsm/libsofthsm2.so',
      ...MULTIARCH.map((a) => `/usr/lib/${a}/softhsm/libsofthsm2.so`),
      '/usr/local/lib/softhsm/libsofthsm2.so',
      '/usr/lib64/pkcs11/libsofthsm2.so',
      '/usr/lib64/softhsm/libsofthsm2.so',
    ],
  },
  {
    vendor: 'OpenSC',
    paths: [
      ...MULTIARCH.map((a) => `/usr/lib/${a}/opensc-pkcs11.so`),
      ...MULTIARCH.map((a) => `/usr/lib/${a}/pkcs11/opensc-pkcs11.so`),
      '/usr/lib64/opensc-pkcs11.so',
      '/usr/lib64/pkcs11/opensc-pkcs11.so',
      '/usr/local/lib/opensc-pkcs11.so',
      '/usr/lib/opensc-pkcs11.so',
    ],
  },
  {
    vendor: 'YubiHSM 2',
    paths: [
      ...MULTIARCH.map((a) => `/usr/lib/${a}/pkcs11/yubihsm_pkcs11.so`),
      '/usr/lib/pkcs11/yubihsm_pkcs11.so',
      '/usr/lib64/pkcs11/yubihsm_pkcs11.so',
      '/usr/local/lib/pkcs11/yubihsm_pkcs11.so',
      '/usr/local/lib/yubihsm_pkcs11.so',
    ],
  },
  {
    vendor: 'YubiKey PIV',
    paths: [
      ...MULTIARCH.map((a) => `/usr/lib/${a}/libykcs11.so`),
      ...MULTIARCH.map((a) => `/usr/lib/${a}/libykcs11.so.2`),
      '/usr/lib64/libykcs11.so',
      '/usr/local/lib/libykcs11.so',
      '/usr/lib/libykcs11.so',
    ],
  },
  {
    vendor: 'Thales Luna',
    paths: ['/usr/safenet/lunaclient/lib/libCryptoki2_64.so', '/usr/lib/libCryptoki2_64.so', '/opt/safenet/lunaclient/lib/libCryptoki2_64.so'],
  },
  {
    vendor: 'Entrust nShield',
    paths: ['/opt/nfast/toolkits/pkcs11/libcknfast.so'],
  },
  {
    vendor: 'AWS CloudHSM',
    paths: ['/opt/cloudhsm/lib/libcloudhsm_pkcs11.so', '/opt/cloudhsm/lib/libcloudhsm_pkcs11_standard.so'],
  },
];

export function listModuleCandidates(exists: (path: string) => boolean = existsSync): ModuleCandidate[] {
  return KNOWN.flatMap(({ vendor, paths }) => paths.map((path) => ({ vendor, path, exists: exists(path) })));
}

/** The first SoftHSM2 module found on this machine, or null when SoftHSM2 is not installed. */
export function softHsmModulePath(exists: (path: string) => boolean = existsSync): string | null {
  return listModuleCandidates(exists).find((c) => c.vendor === 'SoftHSM2' && c.exists)?.path ?? null;
}
