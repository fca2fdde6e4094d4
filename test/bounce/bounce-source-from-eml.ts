import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import type { AutoreplySource, BounceSource } from '../../src/extract/bounce/bounce-source.ts';

/**
 * Test-only stand-in for parseMessage's MIME walk: builds what the bounce and autoreply detectors see from
 * a raw message with mailparser. Bare-CR files (old Mac mailboxes) are normalised first, as intake does.
 */
export async function bounceSourceFromEml(raw: Buffer | string): Promise<BounceSource> {
  const text = (typeof raw === 'string' ? raw : raw.toString('latin1')).replace(/\r(?!\n)/g, '\r\n');
  const parsed = await simpleParser(Buffer.from(text, 'latin1'), {
    skipImageLinks: true,
    skipTextToHtml: true,
  });
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers.set(key.toLowerCase(), [...(headers.get(key.toLowerCase()) ?? []), value]);
  }
  const contentType = parsed.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const reportType =
    contentType?.value?.toLowerCase() === 'multipart/report'
      ? (contentType.params?.['report-type'] ?? null)
      : null;
  const attachment = (...types: string[]) =>
    parsed.attachments.find((part) => types.includes(part.contentType.toLowerCase()));
  // mailparser inlines message/delivery-status and text/rfc822-headers into `text`; cut them out by hand.
  const deliveryStatus = rawPart(text, /^message\/(?:global-)?delivery-status$/i);
  const headerPart = rawPart(text, /^(?:text\/rfc822-headers?|message\/rfc822-headers)$/i);
  const original = attachment('message/rfc822');
  const originalText = headerPart ?? original?.content.toString('utf8') ?? null;
  let bodyText = parsed.text ?? '';
  for (const part of [deliveryStatus, headerPart])
    if (part !== null) bodyText = bodyText.replace(part.trim(), '');
  const returnPath = headers.get('return-path')?.[0]?.trim() ?? null;
  return {
    headers,
    subject: parsed.subject ?? '',
    from: addressText(parsed.from) ?? headerText(parsed.headers.get('from')) ?? '',
    returnPathEmpty: returnPath !== null && (returnPath === '<>' || returnPath === ''),
    reportType,
    deliveryStatus,
    bodyText: bodyText.slice(0, 65_536),
    originalHeaders: originalText === null ? null : originalText.split(/\r?\n\r?\n/)[0]!,
  };
}

export async function autoreplySourceFromEml(raw: Buffer | string): Promise<AutoreplySource> {
  const { headers, subject, from, bodyText } = await bounceSourceFromEml(raw);
  return { headers, subject, from, bodyText };
}

function addressText(value: AddressObject | AddressObject[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.map((item) => item.text).join(', ') : value.text;
}

function headerText(value: HeaderValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** The decoded body of the first MIME part whose Content-Type matches, read straight from the raw message. */
function rawPart(raw: string, type: RegExp): string | null {
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = /^content-type:\s*([^;\s]+)/i.exec(lines[i]!);
    if (match === null || !type.test(match[1]!)) continue;
    let j = i;
    let base64 = false;
    for (; j < lines.length && lines[j]!.trim() !== ''; j++)
      if (/^content-transfer-encoding:\s*base64/i.test(lines[j]!)) base64 = true;
    const body: string[] = [];
    for (j += 1; j < lines.length && !/^--\S/.test(lines[j]!); j++) body.push(lines[j]!);
    const content = body.join('\n');
    return base64 ? Buffer.from(content, 'base64').toString('utf8') : content;
  }
  return null;
}
