import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, failedHeaderRecipients, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/** Google's own bounce senders (Gmail, Google Workspace, Google Groups). */
const GOOGLE_SENDER = /mailer-daemon@(?:googlemail\.com|gmail\.com|google\.com)/i;
const ORIGINAL = /^\s*-{3,} ?(?:Original message|Message header follows) ?-{3,}/im;

/**
 * Gmail's older plain-text notice: "Delivery to the following recipient(s) failed permanently:" (or "has been
 * delayed:") with indented addresses, then "Technical details of permanent (temporary) failure:" naming the
 * remote server and "The error that the other server returned was: …".
 */
const HEADING = /^\s*Delivery to the following recipients? (failed permanently|has been delayed):/i;
const DETAILS = /^\s*Technical details of (?:permanent|temporary) failure:/i;
const REMOTE = /for the recipient domain \S+ by ([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])\.? \[/;

function gmailDetect(input: TextBounceInput): boolean {
  return GOOGLE_SENDER.test(input.from) && HEADING.test(input.text);
}

function gmailRecipients(input: TextBounceInput): TextBounceRecipient[] {
  interface Group {
    delayed: boolean;
    addresses: string[];
    details: string[];
  }
  const groups: Group[] = [];
  let mode: 'none' | 'list' | 'details' = 'none';
  for (const line of linesOf(input.text, ORIGINAL)) {
    const heading = HEADING.exec(line);
    if (heading !== null) {
      groups.push({ delayed: heading[1]!.toLowerCase().startsWith('has been'), addresses: [], details: [] });
      mode = 'list';
      continue;
    }
    const group = groups[groups.length - 1];
    if (group === undefined) continue;
    if (DETAILS.test(line)) {
      mode = 'details';
      continue;
    }
    if (mode === 'list') {
      const address = addressLine(line);
      if (address !== null && /^\s/.test(line)) group.addresses.push(address);
    } else if (mode === 'details' && line.trim() !== '') {
      group.details.push(line.trim());
    }
  }
  return groups.flatMap((group) => {
    const text = group.details.join(' ');
    const returned = /The error that the other server returned was:\s*(.*)$/i.exec(text)?.[1];
    const diagnostic = tidy(returned !== undefined && returned.trim() !== '' ? returned : text);
    const remoteMta = REMOTE.exec(text)?.[1]?.toLowerCase() ?? null;
    const dns = /DNS Error: (?:Domain name not found|DNS server returned answer with no data)/i.test(text)
      ? '5.1.2'
      : null;
    return group.addresses.map((recipient) => ({
      recipient,
      diagnostic,
      remoteMta,
      status: group.delayed ? null : dns,
      action: group.delayed ? ('delayed' as const) : ('failed' as const),
    }));
  });
}

export const GMAIL_FORMAT: TextBounceFormat = {
  name: 'Gmail',
  detect: gmailDetect,
  recipients: gmailRecipients,
};

/**
 * Google Groups: a post to a group that does not exist or refuses the sender comes back from
 * mailer-daemon@googlemail.com with X-Failed-Recipients naming the group address and a text about the group
 * ("the group you tried to contact … may not exist, or you may not have permission to post", "Google Groups").
 */
const GROUP_TEXT =
  /the group you tried to contact|Google Groups|because the group|permission to post (?:messages )?to the group/i;

function groupsDetect(input: TextBounceInput): boolean {
  return (
    GOOGLE_SENDER.test(input.from) &&
    GROUP_TEXT.test(input.text) &&
    (input.headers.get('x-failed-recipients')?.length ?? 0) > 0
  );
}

function groupsRecipients(input: TextBounceInput): TextBounceRecipient[] {
  const paragraphs = linesOf(input.text, ORIGINAL)
    .join('\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(
      (paragraph) =>
        paragraph !== '' && !/^(?:Hello|Hi)\b[^\n]*,$/i.test(paragraph) && !/^\*\*.*\*\*$/.test(paragraph),
    );
  const reason =
    paragraphs.find(
      (paragraph) => GROUP_TEXT.test(paragraph) || /wasn't delivered|couldn't be delivered/i.test(paragraph),
    ) ?? paragraphs[0];
  const response = /The response (?:from the remote server )?was:\s*\n?([^\n]+)/i.exec(input.text)?.[1];
  return failedHeaderRecipients(input, tidy(response ?? reason));
}

export const GOOGLE_GROUPS_FORMAT: TextBounceFormat = {
  name: 'Google Groups',
  detect: groupsDetect,
  recipients: groupsRecipients,
};
