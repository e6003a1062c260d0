// The script's identity: SHA-256 of its canonical JSON (main/quorum/canonical-json.ts),
// over the parsed script with every default filled in, so the same ceremony written in
// YAML or JSON, with or without the defaults spelled out, has one hash. The transcript's
// ceremony-opened entry records it.
import { sha256Hex, utf8 } from '../../quorum/bytes';
import { canonicalJson } from '../../quorum/canonical-json';
import type { CeremonyScript } from './schema';

/** Lower-case hex SHA-256 of canonicalJson(script). */
export function scriptHash(script: CeremonyScript): string {
  return sha256Hex(utf8(canonicalJson(script)));
}
