import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

const STOP = /^Content-Type: message\/(?:rfc822|delivery-status)/m;

/**
 * McAfee Email Gateway / Email and Web Security appliance: X-NAI-Header "Modified by McAfee …", Subject
 * "Delivery Status", a "--- The following addresses had delivery problems ---" list of
 * "<addr>   (reason)" lines (a message/delivery-status part may follow).
 */
const MCAFEE_LINE = new RegExp(String.raw`^<(${ADDRESS})>\s+\((.{1,500})\)\s*$`);

export const MCAFEE_FORMAT: TextBounceFormat = {
  name: 'McAfee Email Gateway',
  detect: (input) =>
    header(input, 'x-nai-header').startsWith('Modified by McAfee') &&
    /The following addresses had delivery problems/.test(input.text),
  recipients: (input) =>
    linesOf(input.text, STOP).flatMap((line) => {
      const match = MCAFEE_LINE.exec(line.trim());
      return match === null ? [] : [{ recipient: match[1]!, diagnostic: tidy(match[2]) }];
    }),
};

/**
 * Websense SurfControl E-mail Filter: X-Mailer "SurfControl E-mail Filter", "Your message could not be sent.",
 * "Addressed To: addr", a transcript ending in "addr: [192.0.2.5], 550 … No such user" and
 * "--- Message non-deliverable.".
 */
const ADDRESSED = new RegExp(String.raw`^Addressed To:\s*<?(${ADDRESS})>?`);
const SURF_REPLY = new RegExp(String.raw`^<?(${ADDRESS})>?:\s*\[([0-9a-fA-F.:]{3,45})\],\s*(.+)$`);

function surfRecipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; diagnostic: string | null; remote: string | null }[] = [];
  for (const line of linesOf(input.text, STOP)) {
    const addressed = ADDRESSED.exec(line);
    if (addressed !== null) {
      found.push({ recipient: addressed[1]!, diagnostic: null, remote: null });
      continue;
    }
    const reply = SURF_REPLY.exec(line);
    if (reply === null) continue;
    const entry =
      found.find((item) => item.recipient.toLowerCase() === reply[1]!.toLowerCase()) ??
      found[found.length - 1];
    if (entry === undefined) found.push({ recipient: reply[1]!, diagnostic: reply[3]!, remote: reply[2]! });
    else {
      entry.diagnostic = reply[3]!;
      entry.remote = reply[2]!;
    }
  }
  return found.map((entry) => ({
    recipient: entry.recipient,
    diagnostic: tidy(entry.diagnostic),
    remoteMta: entry.remote,
  }));
}

export const SURFCONTROL_FORMAT: TextBounceFormat = {
  name: 'SurfControl',
  detect: (input) =>
    header(input, 'x-mailer').trim() === 'SurfControl E-mail Filter' &&
    /Your message could not be sent\./.test(input.text),
  recipients: surfRecipients,
};

/**
 * McAfee SaaS Email Protection (formerly MX Logic): X-MX-Bounce / X-MXL-Hash / X-MXL-NoteHash headers and an
 * Exim-like text: "<addr>: 550 …" lines, or an indented address with the reply indented below it; the
 * returned header follows "Included is a copy of the message header:".
 */
const MXL_ANGLE = new RegExp(String.raw`^\s*<(${ADDRESS})>:\s*(.*)$`);
const MXL_INDENTED = new RegExp(String.raw`^\s{1,4}(${ADDRESS})\s*$`);
const MXL_STOP = /^(?:Included is a copy of the message header:|-+ ?This is a copy of the message)/m;

function mxlRecipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[] }[] = [];
  let open = false;
  for (const line of linesOf(input.bodyText, MXL_STOP)) {
    const angle = MXL_ANGLE.exec(line);
    const indented = angle === null ? MXL_INDENTED.exec(line) : null;
    if (angle !== null || indented !== null) {
      found.push({ recipient: (angle ?? indented)![1]!, lines: angle?.[2] ? [angle[2]] : [] });
      open = true;
    } else if (open && line.trim() !== '' && /^\s/.test(line)) found[found.length - 1]!.lines.push(line);
    else if (line.trim() === '' || !/^\s/.test(line))
      open = found.length > 0 && found[found.length - 1]!.lines.length === 0 && line.trim() === '';
  }
  return found.map((entry) => ({ recipient: entry.recipient, diagnostic: tidy(entry.lines.join(' ')) }));
}

export const MXLOGIC_FORMAT: TextBounceFormat = {
  name: 'McAfee SaaS (MX Logic)',
  detect: (input) =>
    (header(input, 'x-mx-bounce') !== '' ||
      header(input, 'x-mxl-hash') !== '' ||
      header(input, 'x-mxl-notehash') !== '') &&
    /This message was created automatically by mail delivery software/.test(input.text),
  recipients: mxlRecipients,
};
