// The Content-Security-Policy of the Conclave window. The app loads nothing from
// anywhere but its own app:// origin and opens no connection at all (connect-src
// 'none'). The same string is in renderer/index.html's <meta> tag, so the policy holds
// even if a response header were lost; test/static/csp.test.ts keeps the two in step.
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'none'; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'; worker-src 'none'";

/**
 * The policy as renderer/index.html's <meta> tag carries it: the header policy without
 * frame-ancestors, which browsers honour only as a response header (in a <meta> tag
 * Chromium ignores it and logs a console error).
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors '))
  .join('; ');
