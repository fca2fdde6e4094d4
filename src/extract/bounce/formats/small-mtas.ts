import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, addressLine, firstAddress, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Layouts of smaller MTAs, each identified by a sentence only it writes:
 * DragonFly Mail Agent (dma), Trustwave MailMarshal, OpenSMTPD and Courier.
 */

/** A host name at the start of "host [192.0.2.1] did not like our RCPT TO:" or "    host [ip]:". */
const HOST_BEFORE_IP = /^[ \t]*([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\.?[ \t]+\[[0-9A-Fa-f.:]+\]/;

/** dma: "There was an error delivering your mail to <user@example.org>." then the remote reply. */
export const DRAGONFLY_FORMAT: TextBounceFormat = {
  name: 'DragonFly Mail Agent',
  detect(input: TextBounceInput): boolean {
    return /This is the DragonFly Mail Agent\b/.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text, /^(?:Original message follows\.|Message headers follow)/m);
    const found: (TextBounceRecipient & { parts: string[] })[] = [];
    for (const line of lines) {
      const start = new RegExp(String.raw`There was an error delivering your mail to <(${ADDRESS})>`).exec(
        line,
      );
      if (start !== null) {
        found.push({ recipient: start[1]!, diagnostic: null, parts: [] });
        continue;
      }
      const current = found[found.length - 1];
      if (current === undefined || line.trim() === '' || current.parts.length >= 10) continue;
      if (/ did not like our /.test(line))
        current.remoteMta ??= HOST_BEFORE_IP.exec(line)?.[1]?.toLowerCase() ?? null;
      current.parts.push(line.trim());
    }
    // The reply line after "did not like our RCPT TO:" is the diagnostic; keep the context after it.
    return found.map(({ parts, ...entry }) => {
      const reply = parts.findIndex((part) => /^\d{3}[ -]/.test(part));
      const ordered = reply < 0 ? parts : [...parts.slice(reply), ...parts.slice(0, reply)];
      return { ...entry, diagnostic: tidy(ordered.join(' ')) };
    });
  },
};

/** MailMarshal: "Could not be delivered because of" + the reply, "The following recipients were affected:" + list. */
export const MAILMARSHAL_FORMAT: TextBounceFormat = {
  name: 'MailMarshal',
  detect(input: TextBounceInput): boolean {
    return (
      /^Could not be delivered because of/m.test(input.text) &&
      /^The following recipients were affected:/m.test(input.text)
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text);
    const because = lines.findIndex((line) => /^Could not be delivered because of/.test(line));
    const affected = lines.findIndex((line) => /^The following recipients were affected:/.test(line));
    const diagnostic = tidy(lines.slice(because + 1, affected > because ? affected : because + 8).join(' '));
    const remote =
      lines
        .map((line) => /^Remote-MTA:[ \t]*<([^>]+)>/i.exec(line)?.[1])
        .find((value) => value !== undefined) ?? null;
    const found: TextBounceRecipient[] = [];
    for (const line of lines.slice(affected + 1)) {
      if (line.trim() === '') {
        if (found.length > 0) break;
        continue;
      }
      const address = addressLine(line);
      if (address === null) break;
      found.push({ recipient: address, diagnostic, remoteMta: remote });
    }
    return found;
  },
};

/** OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY…", then "user@example.org: reason" per line. */
export const OPENSMTPD_FORMAT: TextBounceFormat = {
  name: 'OpenSMTPD',
  detect(input: TextBounceInput): boolean {
    return /This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail/i.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const delayed = /A message is delayed for more than|this is only a temporary failure report/i.test(
      input.text,
    );
    const entry = new RegExp(String.raw`^<?(${ADDRESS})>?:[ \t]+(\S.*)$`);
    const found: TextBounceRecipient[] = [];
    for (const line of linesOf(input.text, /^[ \t]*Below is a copy of the original message/m)) {
      const match = entry.exec(line.trim());
      if (match === null) continue;
      const recipient: TextBounceRecipient = { recipient: match[1]!, diagnostic: tidy(match[2]) };
      if (delayed) recipient.action = 'delayed';
      found.push(recipient);
    }
    return found;
  },
};

/**
 * Courier: "UNDELIVERABLE MAIL" (or "DELAYS IN DELIVERING YOUR MESSAGE") then, per recipient, "<user@example.org>:"
 * with the remote host ("    mx.example.org [192.0.2.1]:") and the SMTP transcript (">>> RCPT TO:…", "<<< 550 …").
 */
export const COURIER_FORMAT: TextBounceFormat = {
  name: 'Courier',
  detect(input: TextBounceInput): boolean {
    return (
      /running the Courier mail server|Courier mail server at /i.test(input.text) ||
      /Courier mail server at /i.test(input.from) ||
      /^<courier\./i.test(input.headers.get('message-id')?.[0] ?? '')
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const delayed =
      /DELAYS IN DELIVERING YOUR MESSAGE/.test(input.text) && !/UNDELIVERABLE MAIL/.test(input.text);
    const lines = linesOf(input.text);
    const found: TextBounceRecipient[] = [];
    for (let i = 0; i < lines.length; i++) {
      const match = new RegExp(String.raw`^<(${ADDRESS})>:[ \t]*(.*)$`).exec(lines[i]!);
      if (match === null) continue;
      let remote: string | null = null;
      const replies: string[] = [];
      const other: string[] = match[2] ? [match[2]] : [];
      for (let j = i + 1; j < lines.length && j < i + 20; j++) {
        const next = lines[j]!;
        if (next.trim() === '' || /^<[^>]+@[^>]+>:/.test(next) || /^-{10,}/.test(next)) break;
        const host = HOST_BEFORE_IP.exec(next);
        if (host !== null && /:\s*$/.test(next)) remote = host[1]!.toLowerCase();
        else if (/^<<< /.test(next)) replies.push(next.slice(4));
        else if (!/^>>> /.test(next)) other.push(next.trim());
      }
      const recipient: TextBounceRecipient = {
        recipient: match[1]!,
        diagnostic: tidy([...replies, ...other].join(' ')),
        remoteMta: remote,
      };
      if (delayed) recipient.action = 'delayed';
      found.push(recipient);
    }
    if (found.length === 0) {
      // Courier's text without per-recipient blocks: the address is in a DSN-like "Final-Recipient" or stated inline.
      const address = firstAddress(
        input.text.split(/UNDELIVERABLE MAIL|DELAYS IN DELIVERING YOUR MESSAGE/)[1] ?? '',
      );
      if (address !== null) found.push({ recipient: address, diagnostic: null });
    }
    return found;
  },
};
