// Which attempt wrote which steps of a series (issue 18 item 10). A resumed attempt's points after
// its resume step replace an earlier attempt's, so a series is a sequence of step ranges, each
// written by one attempt; this reads them back (gaps-and-islands over the points' attempt).
import { Field, Int, ObjectType } from 'type-graphql';
import type { AppServices } from '../context.js';
import { parseIds } from '../common/ids.js';
import type { Row } from '../common/columns.js';

@ObjectType({ description: 'Consecutive stored points of one series written by one attempt (a claim of the run\'s job).' })
export class SeriesAttemptRange {
  @Field(() => Int, { description: 'The claim that wrote the range (the job\'s fencing token at that claim: 1 = first).' }) attempt!: number;
  @Field(() => Int) fromStep!: number;
  @Field(() => Int) toStep!: number;
  @Field(() => Int, { description: 'Points stored in the range.' }) points!: number;
}

export async function seriesAttempts(app: AppServices, runId: string, key: string, block: number | null): Promise<SeriesAttemptRange[]> {
  const [id] = parseIds([runId], 'runId');
  // Aggregates over metric_points: the attempt is the column's, the rest are counted here.
  const { rows } = await app.readPool.query<Pick<Row<'metric_points'>, 'attempt'> & Omit<SeriesAttemptRange, 'attempt'>>(
    `SELECT attempt, min(step)::int AS "fromStep", max(step)::int AS "toStep", count(*)::int AS points
     FROM (SELECT p.step, p.attempt,
                  row_number() OVER (ORDER BY p.step) - row_number() OVER (PARTITION BY p.attempt ORDER BY p.step) AS island
           FROM metric_points p JOIN metric_keys k ON k.id = p.key_id
           WHERE p.run_id = $1 AND k.name = $2 AND p.block = $3) x
     GROUP BY attempt, island
     ORDER BY "fromStep"`,
    [id, key, block ?? 0],
  );
  return rows;
}
