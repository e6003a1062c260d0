// The Content-Security-Policy of the Conclave window. The app loads nothing from
// anywhere but its own app:// origin and opens no connection at all (connect-src
// 'none'). The same string is in renderer/index.html's <meta> tag, so the policy holds
// even if a response header were lost; test/static/csp.test.ts keeps the two equal.
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'none'; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'; worker-src 'none'";
