// Numeric PKCS#11 values this layer uses, written out here rather than read from
// pkcs11js: pkcs11js 2.x targets PKCS#11 2.40 and lacks the 3.0 values (EdDSA,
// Edwards curves), and pure modules such as the DER encoders and the error mapping
// must be testable without loading the native addon.

// Object classes (CKO_*)
export const CKO_DATA = 0x0;
export const CKO_CERTIFICATE = 0x1;
export const CKO_PUBLIC_KEY = 0x2;
export const CKO_PRIVATE_KEY = 0x3;
export const CKO_SECRET_KEY = 0x4;

// Key types (CKK_*)
export const CKK_RSA = 0x0;
export const CKK_EC = 0x3;
export const CKK_GENERIC_SECRET = 0x10;
export const CKK_AES = 0x1f;
export const CKK_EC_EDWARDS = 0x40;

// Attributes (CKA_*)
export const CKA_CLASS = 0x0;
export const CKA_TOKEN = 0x1;
export const CKA_PRIVATE = 0x2;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_SENSITIVE = 0x103;
export const CKA_ENCRYPT = 0x104;
export const CKA_DECRYPT = 0x105;
export const CKA_WRAP = 0x106;
export const CKA_UNWRAP = 0x107;
export const CKA_SIGN = 0x108;
export const CKA_VERIFY = 0x10a;
export const CKA_DERIVE = 0x10c;
export const CKA_MODULUS = 0x120;
export const CKA_MODULUS_BITS = 0x121;
export const CKA_PUBLIC_EXPONENT = 0x122;
export const CKA_VALUE_LEN = 0x161;
export const CKA_EXTRACTABLE = 0x162;
export const CKA_LOCAL = 0x163;
export const CKA_NEVER_EXTRACTABLE = 0x164;
export const CKA_ALWAYS_SENSITIVE = 0x165;
export const CKA_MODIFIABLE = 0x170;
export const CKA_EC_PARAMS = 0x180;
export const CKA_EC_POINT = 0x181;

// Mechanisms (CKM_*)
export const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
export const CKM_RSA_PKCS_OAEP = 0x9;
export const CKM_SHA256_RSA_PKCS = 0x40;
export const CKM_SHA256_RSA_PKCS_PSS = 0x43;
export const CKM_SHA_1 = 0x220;
export const CKM_SHA256 = 0x250;
export const CKM_SHA384 = 0x260;
export const CKM_EC_KEY_PAIR_GEN = 0x1040;
export const CKM_ECDSA = 0x1041;
export const CKM_ECDSA_SHA256 = 0x1044;
export const CKM_ECDSA_SHA384 = 0x1045;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;
export const CKM_AES_KEY_GEN = 0x1080;
export const CKM_AES_KEY_WRAP_PAD = 0x210a;
export const CKM_ECDH1_DERIVE = 0x1050;

// Key derivation functions for ECDH (CKD_*)
export const CKD_NULL = 0x1;
export const CKD_SHA256_KDF = 0x6;

// Mask generation functions and OAEP source (CKG_*, CKZ_*)
export const CKG_MGF1_SHA1 = 0x1;
export const CKG_MGF1_SHA256 = 0x2;
export const CKZ_DATA_SPECIFIED = 0x1;

// pkcs11js parameter structure tags (CK_PARAMS_*), a pkcs11js convention, not PKCS#11.
export const CK_PARAMS_RSA_OAEP = 4;
export const CK_PARAMS_RSA_PSS = 5;
export const CK_PARAMS_EC_DH = 6;

// User types (CKU_*)
export const CKU_SO = 0;
export const CKU_USER = 1;

// Session flags and states (CKF_*, CKS_*)
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
export const CKF_OS_LOCKING_OK = 0x2;
export const CKS_RO_PUBLIC_SESSION = 0;
export const CKS_RO_USER_FUNCTIONS = 1;
export const CKS_RW_PUBLIC_SESSION = 2;
export const CKS_RW_USER_FUNCTIONS = 3;
export const CKS_RW_SO_FUNCTIONS = 4;

// Slot flags
export const CKF_TOKEN_PRESENT = 0x1;
export const CKF_REMOVABLE_DEVICE = 0x2;
export const CKF_HW_SLOT = 0x4;

// Token flags
export const CKF_RNG = 0x1;
export const CKF_WRITE_PROTECTED = 0x2;
export const CKF_LOGIN_REQUIRED = 0x4;
export const CKF_USER_PIN_INITIALIZED = 0x8;
export const CKF_RESTORE_KEY_NOT_NEEDED = 0x20;
export const CKF_CLOCK_ON_TOKEN = 0x40;
export const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
export const CKF_DUAL_CRYPTO_OPERATIONS = 0x200;
export const CKF_TOKEN_INITIALIZED = 0x400;
export const CKF_SECONDARY_AUTHENTICATION = 0x800;
export const CKF_USER_PIN_COUNT_LOW = 0x10000;
export const CKF_USER_PIN_FINAL_TRY = 0x20000;
export const CKF_USER_PIN_LOCKED = 0x40000;
export const CKF_USER_PIN_TO_BE_CHANGED = 0x80000;
export const CKF_SO_PIN_COUNT_LOW = 0x100000;
export const CKF_SO_PIN_FINAL_TRY = 0x200000;
export const CKF_SO_PIN_LOCKED = 0x400000;
export const CKF_SO_PIN_TO_BE_CHANGED = 0x800000;
export const CKF_ERROR_STATE = 0x1000000;

// Mechanism info flags
export const MECHANISM_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'hw'],
  [0x100, 'encrypt'],
  [0x200, 'decrypt'],
  [0x400, 'digest'],
  [0x800, 'sign'],
  [0x1000, 'sign-recover'],
  [0x2000, 'verify'],
  [0x4000, 'verify-recover'],
  [0x8000, 'generate'],
  [0x10000, 'generate-key-pair'],
  [0x20000, 'wrap'],
  [0x40000, 'unwrap'],
  [0x80000, 'derive'],
];

/** CK_UNAVAILABLE_INFORMATION (~0UL) as pkcs11js reports it: a 64-bit BigInt or a truncated 32-bit number. */
export const CK_UNAVAILABLE_INFORMATION_64 = 0xffffffffffffffffn;
export const CK_UNAVAILABLE_INFORMATION_32 = 0xffffffff;
