import { createVerify } from 'node:crypto';

/** The fields of an Amazon SNS HTTP(S) delivery that its signature covers. */
export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string | undefined;
  SubscribeURL?: string | undefined;
  Token?: string | undefined;
}

const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

/** The SNS envelope of a request body, or null when it is not one (a required field missing or not a string). */
export function readSnsMessage(body: unknown): SnsMessage | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const v = body as Record<string, unknown>;
  const need = [
    'Type',
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
  ];
  if (!need.every((k) => typeof v[k] === 'string')) return null;
  if (!TYPES.has(v.Type as string)) return null;
  for (const k of ['Subject', 'SubscribeURL', 'Token'])
    if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'string') return null;
  if (v.Type !== 'Notification' && (typeof v.SubscribeURL !== 'string' || typeof v.Token !== 'string'))
    return null;
  return v as unknown as SnsMessage;
}

/**
 * The string SNS signs: `name\nvalue\n` for each covered field in this order (Subject only when present),
 * per "Verifying the signatures of Amazon SNS messages" in the SNS developer guide.
 */
export function snsStringToSign(m: SnsMessage): string {
  const keys =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let out = '';
  for (const k of keys) {
    const value = (m as unknown as Record<string, string | undefined>)[k];
    if (k === 'Subject' && (value === undefined || value === null)) continue;
    out += `${k}\n${value ?? ''}\n`;
  }
  return out;
}

/** Why a signing certificate URL is not Amazon's (https, an SNS host, a .pem path), or null when it is. */
export function snsUrlProblem(url: string, hostPattern: RegExp, what: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${what} is not a URL`;
  }
  if (u.protocol !== 'https:') return `${what} is not https`;
  if (!hostPattern.test(u.hostname)) return `${what} host ${u.hostname} is not an Amazon SNS host`;
  return null;
}

/** Verifies the RSA signature: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. */
export function verifySnsSignature(m: SnsMessage, certificatePem: string): boolean {
  const algorithm =
    m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : null;
  if (!algorithm) return false;
  try {
    return createVerify(algorithm)
      .update(snsStringToSign(m), 'utf8')
      .verify(certificatePem, m.Signature, 'base64');
  } catch {
    return false;
  }
}
