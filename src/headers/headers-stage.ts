import { simpleParser } from 'mailparser';
import type { Stage } from '../worker/stage.ts';

/** What the headers stage reads of the top-level header block. */
export interface TopHeaders {
  from: string | null;
  to: string[];
  subject: string | null;
  messageId: string | null;
  date: string | null;
}

const addresses = (v: unknown): string[] => {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.flatMap((a: { value?: Array<{ address?: string }> }) => (a.value ?? []).map((x) => x.address ?? '').filter(Boolean));
};

/** Reads From, To, Subject, Message-ID and Date with mailparser (headers only: attachments are skipped). */
export async function readTopHeaders(raw: Buffer): Promise<TopHeaders> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  return {
    from: parsed.from?.value[0]?.address ?? parsed.from?.text ?? null,
    to: addresses(parsed.to),
    subject: parsed.subject ?? null,
    messageId: parsed.messageId ?? null,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
  };
}

export const headersStage: Stage = {
  name: 'headers',
  async run(ctx) {
    const headers = await readTopHeaders(ctx.raw);
    return { outcome: 'read', reason: `from ${headers.from ?? '(none)'}, subject ${JSON.stringify(headers.subject ?? '')}`, data: headers };
  },
};
