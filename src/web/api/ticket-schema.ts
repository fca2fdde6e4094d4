import { z } from 'zod';
import { ticketStatuses, ticketTypes } from '../../store/vocabulary.ts';

/** A ticket as the API returns it (the `Ticket` of the store), for the OpenAPI document. */
export const ticketSchema = z.object({
  id: z.string().describe('AD-XXXXXX'),
  type: z.enum(ticketTypes),
  status: z.enum(ticketStatuses),
  subject: z.string(),
  client: z.string().nullable().describe('client slug; null when unmatched'),
  campaign: z.string().nullable(),
  parentId: z.string().nullable().describe('the incident this ticket is linked under'),
  reporter: z.string().nullable(),
  trusted: z.boolean(),
  flags: z.array(z.string()).describe('policy flags of the reported mail'),
  reportCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  assignee: z.string().nullable().describe('staff login that owns the ticket'),
  pendingReason: z.string().nullable().describe('why a pending ticket waits'),
});
