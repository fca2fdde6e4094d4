import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `signature` object of a Mailgun webhook body. */
export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** The signature object of a parsed Mailgun webhook body, or null. */
export function readMailgunSignature(body: unknown): MailgunSignature | null {
  const s = (body as { signature?: unknown } | null)?.signature as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return null;
  const { timestamp, token, signature } = s;
  if (typeof token !== 'string' || typeof signature !== 'string') return null;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return null;
  return { timestamp: String(timestamp), token, signature };
}

/** Mailgun signs webhooks with HMAC-SHA256 (hex) of timestamp + token, keyed with the webhook signing key. */
export function verifyMailgunSignature(signingKey: string, s: MailgunSignature): boolean {
  const expected = createHmac('sha256', signingKey)
    .update(s.timestamp + s.token)
    .digest();
  const given = Buffer.from(s.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
