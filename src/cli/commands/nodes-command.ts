import type { Command } from 'commander';
import { clusterOverview } from '../../cluster/cluster-overview.ts';
import { forgetNodeByStaff } from '../../cluster/forget-node.ts';
import { readClusterFacts } from '../../store/cluster-nodes-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { printJson, printTable, withDatabase } from '../cli-context.ts';
import { timeStyle } from '../global-options.ts';

export function registerNodesCommand(program: Command): void {
  const nodes = program
    .command('nodes')
    .description(
      'the nodes sharing the database: up or down, the singleton jobs each runs, its claimed messages',
    );
  nodes
    .command('list')
    .description('every node that reported itself, up first, then where each singleton job runs')
    .option('--json', 'print one JSON object: { leaseMs, nodes, jobs }')
    .action((o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db, loaded) => {
        const view = clusterOverview(readClusterFacts(db), new Date(), loaded.config.cluster.leaseMs);
        if (o.json) return printJson(view);
        const style = timeStyle(cmd);
        if (view.nodes.length === 0)
          process.stdout.write('no node has reported itself yet (none was started)\n');
        else
          printTable(
            view.nodes.map((n) => ({ ...n, jobs: n.jobs.length ? n.jobs : '-' })),
            ['id', 'status', 'seenAt', 'startedAt', 'smtp', 'http', 'claims', 'jobs'],
            style,
          );
        if (view.jobs.length === 0) return;
        process.stdout.write('\n');
        printTable(
          view.jobs.map((j) => ({ job: j.name, ...j })),
          ['job', 'status', 'holder', 'since', 'expiresAt'],
          style,
        );
      }),
    );
  nodes
    .command('forget <id>')
    .description(
      'take a node that is down or stopped out of the list (a retired machine, a changed node id) and free the messages it had claimed',
    )
    .action((id: string, _o: unknown, cmd: Command) =>
      withDatabase(cmd, (db, loaded) => {
        const r = forgetNodeByStaff(db, {
          id,
          actor: `cli:${process.env.USER ?? 'staff'}`,
          now: new Date(),
          leaseMs: loaded.config.cluster.leaseMs,
        });
        if (r.outcome === 'unknown') throw new CliError(`node "${id}" is not listed`, EXIT.notFound);
        if (r.outcome === 'up')
          throw new CliError(
            `node "${id}" is up (it reported itself at ${r.node.seenAt}): stop it first; it counts as down ${loaded.config.cluster.leaseMs} ms after its last report`,
            EXIT.refused,
          );
        process.stdout.write(
          `${id} forgotten (last seen ${r.node.seenAt}); ${r.released} claimed message(s) released to the other nodes\n`,
        );
      }),
    );
}
