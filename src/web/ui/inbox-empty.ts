import { loadConfig } from '../../config/load-config.ts';
import { html, type SafeHtml } from './html.ts';

/** Where mail comes in over SMTP, as the inbox tells staff on an empty desk. */
export interface IntakeHint {
  host: string;
  port: number;
  /** An accepted address, e.g. abuse@esp.example. */
  address: string;
}

let fromEnvironment: IntakeHint | undefined;

/**
 * The SMTP intake as configured for this process (the config file named by ABUSEDESK_CONFIG and ABUSEDESK_*
 * variables over the defaults); the defaults when that cannot be read. Used when the UI is not handed the
 * running service's own SMTP settings.
 */
export function configuredIntake(): IntakeHint {
  if (!fromEnvironment) {
    let smtp: { host: string; port: number; domains: string[]; mailboxes: string[] };
    try {
      smtp = loadConfig().config.smtp;
    } catch {
      smtp = loadConfig({ env: {} }).config.smtp;
    }
    fromEnvironment = {
      host: smtp.host,
      port: smtp.port,
      address: `${smtp.mailboxes[0] ?? 'abuse'}@${smtp.domains[0] ?? 'localhost'}`,
    };
  }
  return fromEnvironment;
}

/** An empty desk: how to get mail in. */
export const emptyInbox = (
  smtp: IntakeHint,
): SafeHtml => html`<section class="inbox-empty" aria-labelledby="empty-title">
<h2 id="empty-title">No tickets yet</h2>
<p>Tickets appear as soon as reports arrive. To get mail in:</p>
<ul>
<li>Send or forward reports over SMTP to <code>${smtp.address}</code> at <code>${smtp.host}</code> port <code>${String(smtp.port)}</code> (config <code>smtp.port</code>, <code>ABUSEDESK_SMTP_PORT</code>).</li>
<li>Run saved messages through the pipeline: <code>abusedesk ingest FILE</code> (a file, a directory or an mbox).</li>
<li>Send the demo reports to this running service: <code>npm run demo</code> (<code>abusedesk demo send</code>).</li>
</ul>
</section>`;
