import { createHmac, timingSafeEqual } from 'node:crypto';

/** Raw key bytes of a Standard Webhooks secret (`whsec_<base64>`; a secret without the prefix is used as-is). */
function keyBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** The individual secrets of a configured value: several, separated by spaces, during rotation. */
export function splitSecrets(secrets: string): string[] {
  return secrets.split(/\s+/).filter((s) => s !== '');
}

/**
 * Standard Webhooks headers for one delivery: `webhook-signature` carries one `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">` per secret (space separated), so receivers keep verifying while a secret rotates.
 */
export function signWebhook(
  secrets: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const signatures = splitSecrets(secrets).map(
    (s) => `v1,${createHmac('sha256', keyBytes(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** Receiver side (tests, documentation): true when any v1 signature matches any of the secrets. */
export function verifyWebhook(
  secrets: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
): boolean {
  const given = headers.signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  return splitSecrets(secrets).some((s) => {
    const want = createHmac('sha256', keyBytes(s))
      .update(`${headers.id}.${headers.timestamp}.${body}`)
      .digest();
    return given.some((g) => g.length === want.length && timingSafeEqual(g, want));
  });
}
