import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * SendGrid's Event Webhook signature: ECDSA (P-256, SHA-256) over the timestamp header followed by the raw
 * request body, base64 (DER) in `X-Twilio-Email-Event-Webhook-Signature`. The verification key is shown in
 * SendGrid's settings as base64 DER (SubjectPublicKeyInfo); a PEM is accepted too.
 */
export function sendgridPublicKey(key: string): KeyObject {
  const k = key.trim();
  return k.startsWith('-----BEGIN')
    ? createPublicKey(k)
    : createPublicKey({ key: Buffer.from(k, 'base64'), format: 'der', type: 'spki' });
}

export function verifySendgridSignature(
  key: KeyObject,
  o: { timestamp: string; signature: string; body: Buffer },
): boolean {
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(o.timestamp, 'utf8'), o.body]),
      key,
      Buffer.from(o.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
