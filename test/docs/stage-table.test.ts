import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipelineStages } from '../../src/worker/pipeline-stages.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the README's stage table ("How a message flows"): name and where. */
function stageTable(): Array<{ name: string; where: string }> {
  const start = readme.indexOf('| stage | what it does | where |');
  const rows = readme.slice(start).split('\n').slice(2);
  const table = rows.slice(
    0,
    rows.findIndex((l) => !l.startsWith('|')),
  );
  return table.map((l) => {
    const cells = l.split(' | ');
    return { name: cells[0]!.replace(/^\|\s*/, '').replaceAll('`', ''), where: cells.at(-1)! };
  });
}

/** Rows of the table that are not pipeline stages: intake stores the message, the worker runs the stages. */
const NOT_STAGES = ['intake', 'worker'];

describe('README stage table', () => {
  it('names the stages pipelineStages runs, in order (plus the intake and worker rows)', () => {
    const tmp = tempDataDir();
    try {
      const names = pipelineStages(testConfig(tmp.dir)).map((s) => s.name);
      const rows = stageTable().map((r) => r.name);
      expect(rows.filter((n) => !NOT_STAGES.includes(n))).toEqual(names);
      expect(rows[0]).toBe('intake');
      expect(rows.at(-1)).toBe('worker');
    } finally {
      tmp.cleanup();
    }
  });

  it('points only at files and folders that exist', () => {
    const paths = stageTable().flatMap((r) => [...r.where.matchAll(/`(src\/[^`]+)`/g)].map((m) => m[1]!));
    expect(paths.length).toBeGreaterThan(8);
    expect(paths.filter((p) => !existsSync(new URL(`../../${p}`, import.meta.url)))).toEqual([]);
  });
});
