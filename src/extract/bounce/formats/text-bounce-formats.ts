import type { TextBounceFormat } from './text-bounce-format.ts';
import { APACHE_JAMES_FORMAT } from './apache-james.ts';
import { EXCHANGE_FORMAT } from './exchange.ts';
import { FML_FORMAT } from './fml.ts';
import { GROUPWISE_FORMAT } from './groupwise.ts';
import { IMAIL_FORMAT } from './imail.ts';
import { DOMINO_FORMAT, NOTES_FORMAT } from './lotus-domino.ts';
import { MESSAGING_SERVER_FORMAT } from './messaging-server.ts';
import { SENDMAIL_FORMAT } from './sendmail.ts';
import { COURIER_FORMAT, DRAGONFLY_FORMAT, MAILMARSHAL_FORMAT, OPENSMTPD_FORMAT } from './small-mtas.ts';
import {
  DELIVERY_ERRORS_LIST_FORMAT,
  STARRED_LIST_FORMAT,
  TROUBLE_DELIVERING_FORMAT,
} from './unidentified-mtas.ts';
import { ACTIVE_HUNTER_FORMAT } from './active-hunter.ts';
import { AU_EZWEB_FORMAT } from './au-ezweb.ts';
import { AU_KDDI_FORMAT } from './au-kddi.ts';
import { BIGLOBE_FORMAT } from './biglobe.ts';
import { DEUTSCHE_TELEKOM_FORMAT } from './deutsche-telekom.ts';
import { MCAFEE_FORMAT, MXLOGIC_FORMAT, SURFCONTROL_FORMAT } from './filter-appliances.ts';
import { GMX_FORMAT } from './gmx.ts';
import { GMAIL_FORMAT, GOOGLE_GROUPS_FORMAT } from './google.ts';
import { INTERSCAN_FORMAT } from './interscan.ts';
import { M_FILTER_FORMAT } from './m-filter.ts';
import { MAIL_FOUNDRY_FORMAT } from './mail-foundry.ts';
import { MIMECAST_FORMAT } from './mimecast.ts';
import { VERIZON_FORMAT } from './verizon.ts';
import { ZOHO_FORMAT } from './zoho.ts';

/**
 * The MTA- and provider-specific layouts, tried in order before the generic readers. More specific
 * layouts (a provider that wraps Postfix, a filter appliance in front of Exchange) come first.
 */
export const TEXT_BOUNCE_FORMATS: readonly TextBounceFormat[] = [
  M_FILTER_FORMAT,
  ACTIVE_HUNTER_FORMAT,
  MAIL_FOUNDRY_FORMAT,
  INTERSCAN_FORMAT,
  MCAFEE_FORMAT,
  SURFCONTROL_FORMAT,
  MXLOGIC_FORMAT,
  MIMECAST_FORMAT,
  AU_EZWEB_FORMAT,
  AU_KDDI_FORMAT,
  BIGLOBE_FORMAT,
  VERIZON_FORMAT,
  ZOHO_FORMAT,
  GMX_FORMAT,
  DEUTSCHE_TELEKOM_FORMAT,
  GOOGLE_GROUPS_FORMAT,
  GMAIL_FORMAT,
  // MTA software layouts, after the providers and appliances that wrap them.
  FML_FORMAT,
  APACHE_JAMES_FORMAT,
  MESSAGING_SERVER_FORMAT,
  DOMINO_FORMAT,
  NOTES_FORMAT,
  IMAIL_FORMAT,
  GROUPWISE_FORMAT,
  DRAGONFLY_FORMAT,
  MAILMARSHAL_FORMAT,
  OPENSMTPD_FORMAT,
  COURIER_FORMAT,
  EXCHANGE_FORMAT,
  SENDMAIL_FORMAT,
  DELIVERY_ERRORS_LIST_FORMAT,
  STARRED_LIST_FORMAT,
  TROUBLE_DELIVERING_FORMAT,
];
