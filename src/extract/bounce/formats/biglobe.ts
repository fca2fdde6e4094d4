import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * BIGLOBE (and the cable ISPs on its platform: inacatv, tmtv, ttv) returned mail: From postmaster@<isp>.ne.jp,
 * Subject "Returned mail: …", an ISO-2022-JP text part with a Japanese paragraph, then
 * "----- The following addresses had delivery problems -----" with bare addresses and
 * "----- Non-delivered information -----" with the reason.
 */
const SENDER = /postmaster@(?:[a-z0-9-]+\.)*(?:biglobe|inacatv|tmtv|ttv)\.ne\.jp/i;
const LIST = /^\s*-{3,} The following addresses had delivery problems -{3,}/;
const REASON = /^\s*-{3,} Non-delivered information -{3,}/;

const REASONS: readonly (readonly [RegExp, string])[] = [
  [/mailbox exceeded the local limit/i, '5.2.2'],
  [/User unknown/i, '5.1.1'],
];

function detect(input: TextBounceInput): boolean {
  return SENDER.test(input.from) && /The following addresses had delivery problems/.test(input.text);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const addresses: string[] = [];
  const reason: string[] = [];
  let section: 'none' | 'list' | 'reason' = 'none';
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    if (LIST.test(line)) section = 'list';
    else if (REASON.test(line)) section = 'reason';
    else if (/^-{2}\S/.test(line)) section = 'none';
    else if (section === 'list') {
      const address = addressLine(line);
      if (address !== null) addresses.push(address);
    } else if (section === 'reason' && line.trim() !== '') reason.push(line);
  }
  const diagnostic = tidy(reason.join(' '));
  const status = REASONS.find(([pattern]) => pattern.test(diagnostic ?? ''))?.[1] ?? null;
  return addresses.map((recipient) => ({ recipient, diagnostic, status }));
}

export const BIGLOBE_FORMAT: TextBounceFormat = { name: 'BIGLOBE', detect, recipients };
