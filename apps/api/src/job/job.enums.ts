// GraphQL enums of the job queue, registered once here (other modules import them).
import { registerEnumType } from 'type-graphql';
import { JobKind, JobStatus } from '@stratum/db';

registerEnumType(JobStatus, { name: 'JobStatus', description: 'Where a job is in the queue.' });
registerEnumType(JobKind, { name: 'JobKind', description: 'TRAIN trains one run; COMPARE measures a pair of runs.' });

export { JobKind, JobStatus };
