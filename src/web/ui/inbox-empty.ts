import type { Config } from '../../config/config-schema.ts';
import { html, type SafeHtml } from './html.ts';

/** Where mail comes in over SMTP, as the inbox tells staff on an empty desk. */
export interface IntakeHint {
  host: string;
  port: number;
  /** An accepted address, e.g. abuse@esp.example. */
  address: string;
}

/** The intake hint of an SMTP configuration: its listener and the first accepted address. */
export const intakeHint = (
  smtp: Pick<Config['smtp'], 'host' | 'port' | 'domains' | 'mailboxes'>,
): IntakeHint => ({
  host: smtp.host,
  port: smtp.port,
  address: `${smtp.mailboxes[0] ?? 'abuse'}@${smtp.domains[0] ?? 'localhost'}`,
});

/** An empty desk: how to get mail in. */
export const emptyInbox = (
  smtp: IntakeHint,
): SafeHtml => html`<section class="inbox-empty" aria-labelledby="empty-title">
<h2 id="empty-title">No tickets yet</h2>
<p>Tickets appear as soon as reports arrive. To get mail in:</p>
<ul>
<li>Send or forward reports over SMTP to <code>${smtp.address}</code> at <code>${smtp.host}</code> port <code>${String(smtp.port)}</code> (config <code>smtp.port</code>, <code>ABUSEDESK_SMTP_PORT</code>).</li>
<li>Run saved messages through the pipeline: <code>abusedesk ingest FILE</code> (a file, a directory or an mbox).</li>
<li>Send the demo reports to this running service: <code>npx abusedesk demo send --host ${smtp.host} --port ${String(smtp.port)}</code> (<code>npm run demo</code> starts a service of its own and sends them itself, on a fresh data dir).</li>
</ul>
</section>`;
