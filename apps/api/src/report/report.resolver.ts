import { Arg, Authorized, Ctx, Float, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { fenceFor } from '../job/fence.js';
import { CheckpointRef } from '../job/job.type.js';
import { EvaluationInput, PatchDiagnosticInput, SimilarityInput } from './report.input.js';
import { ReportResult } from './report.type.js';
import { registerCheckpoint, reportEvaluations, reportPatchDiagnostics, reportSimilarity } from './report.service.js';

@Resolver()
export class ReportResolver {
  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => ReportResult, { description: 'Store evaluation results of the job\'s run (upsert on their unique key).' })
  reportEvaluation(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('evaluations', () => [EvaluationInput]) evaluations: EvaluationInput[],
    @Ctx() ctx: Context,
  ): Promise<ReportResult> {
    return reportEvaluations(ctx.app, fenceFor(ctx.principal, jobId, fencingToken), evaluations);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => ReportResult, { description: 'Store a similarity (CKA) matrix; replaces an earlier one with the same otherRun, kind, step and dataset.' })
  reportSimilarity(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('matrix', () => SimilarityInput) matrix: SimilarityInput,
    @Ctx() ctx: Context,
  ): Promise<ReportResult> {
    return reportSimilarity(ctx.app, fenceFor(ctx.principal, jobId, fencingToken), matrix);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => ReportResult, { description: 'Store patch-level diagnostics per block (upsert on step, dataset, block).' })
  reportPatchDiagnostics(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('diagnostics', () => [PatchDiagnosticInput]) diagnostics: PatchDiagnosticInput[],
    @Ctx() ctx: Context,
  ): Promise<ReportResult> {
    return reportPatchDiagnostics(ctx.app, fenceFor(ctx.principal, jobId, fencingToken), diagnostics);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => CheckpointRef, { description: 'Record a checkpoint of the job\'s run, uploaded first with PUT /artifacts/<sha256> (or kept at uri).' })
  registerCheckpoint(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('step', () => Int) step: number,
    @Arg('sha256', () => String) sha256: string,
    @Arg('bytes', () => Float) bytes: number,
    @Arg('uri', () => String, { nullable: true }) uri: string | null,
    @Ctx() ctx: Context,
  ): Promise<CheckpointRef> {
    return registerCheckpoint(ctx.app, fenceFor(ctx.principal, jobId, fencingToken), { step, sha256, bytes, uri });
  }
}
