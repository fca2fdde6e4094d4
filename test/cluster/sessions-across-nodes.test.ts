import { afterEach, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/auth/staff-users.ts';
import { createTicket, ticketEvents } from '../../src/store/tickets-store.ts';
import { clusterDatabase, clusterSuite, startCluster, type Cluster } from '../helpers/cluster-nodes.ts';
import { cookieHeader, cookiesFrom, csrfOf } from '../web/ui/ui-session.ts';

const form = (fields: Record<string, string>, cookie: string): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: staff sessions'), () => {
  let cluster: Cluster | null = null;
  afterEach(async () => {
    await cluster?.close();
    cluster = null;
  });

  it('a staff login on node 1 is a session on node 2: its cookie and CSRF token carry a form POST there', async () => {
    cluster = await startCluster({ nodes: 2 });
    const { db } = cluster;
    const [node1, node2] = cluster.nodes as [Cluster['nodes'][0], Cluster['nodes'][0]];
    const now = new Date();
    createStaffUser(db, { email: 'ops@esp.example', role: 'agent', password: 'cluster password 1', now });
    const ticket = createTicket(db, { type: 'other', subject: 'Seen from two nodes', now });

    // Log in through node 1's form, as a browser does.
    const loginPage = await fetch(`${node1.http}/ui/login`);
    const loginJar = cookiesFrom(loginPage.headers.getSetCookie());
    const login = await fetch(
      `${node1.http}/ui/login`,
      form(
        {
          _csrf: csrfOf(await loginPage.text()),
          email: 'ops@esp.example',
          password: 'cluster password 1',
          next: '/ui/',
        },
        cookieHeader(loginJar),
      ),
    );
    expect(login.status).toBe(303);
    const session = cookiesFrom(login.headers.getSetCookie()).ad_session;
    expect(session).toBeTruthy();
    const cookie = cookieHeader({ ad_session: session! });

    // Node 2 knows the session: it shows the ticket and its note form, whose CSRF token it accepts.
    const page = await fetch(`${node2.http}/ui/tickets/${ticket}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const note = await fetch(
      `${node2.http}/ui/tickets/${ticket}/note`,
      form({ _csrf: csrfOf(await page.text()), text: 'Checked on node 2' }, cookie),
    );
    expect(note.status).toBe(303);
    expect(note.headers.get('location')).toMatch(new RegExp(`^/ui/tickets/${ticket}`));
    expect(ticketEvents(db, ticket)).toContainEqual(
      expect.objectContaining({ type: 'note', text: 'Checked on node 2', actor: 'user:ops@esp.example' }),
    );
    // And node 1 shows the note written through node 2.
    const back = await fetch(`${node1.http}/ui/tickets/${ticket}`, { headers: { cookie } });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Checked on node 2');

    // A forged CSRF token is refused on node 2 as on node 1: the session's token is checked, not just present.
    const forged = await fetch(
      `${node2.http}/ui/tickets/${ticket}/note`,
      form({ _csrf: 'not-the-token', text: 'forged' }, cookie),
    );
    expect(forged.status).toBe(403);
  }, 90_000);
});
