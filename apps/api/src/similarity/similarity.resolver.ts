import { Args, Authorized, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { PatchDiagnosticsArgs, SimilarityArgs } from './similarity.input.js';
import { PatchDiagnostic, SimilarityMatrix } from './similarity.type.js';
import { patchDiagnostics, similarity, similaritySteps } from './similarity.service.js';

@Resolver(() => SimilarityMatrix)
export class SimilarityResolver {
  @Authorized('READER')
  @Query(() => SimilarityMatrix, { nullable: true, description: "A run's similarity matrix between blocks (latest step unless given); null when none was reported." })
  similarity(@Args(() => SimilarityArgs) args: SimilarityArgs, @Ctx() ctx: Context): Promise<SimilarityMatrix | null> {
    return similarity(ctx.app, args);
  }

  @Authorized('READER')
  @Query(() => [PatchDiagnostic], { description: "A run's patch diagnostics per block at one step (latest unless given)." })
  patchDiagnostics(@Args(() => PatchDiagnosticsArgs) args: PatchDiagnosticsArgs, @Ctx() ctx: Context): Promise<PatchDiagnostic[]> {
    return patchDiagnostics(ctx.app, args);
  }

  @FieldResolver(() => Int)
  rows(@Root() m: SimilarityMatrix): number {
    return m.rowLabels.length;
  }

  @FieldResolver(() => Int)
  cols(@Root() m: SimilarityMatrix): number {
    return m.colLabels.length;
  }

  @FieldResolver(() => [[Float]], { description: 'The values as rows.' })
  matrix(@Root() m: SimilarityMatrix): number[][] {
    const cols = m.colLabels.length;
    return m.rowLabels.map((_, r) => m.values.slice(r * cols, (r + 1) * cols));
  }

  @FieldResolver(() => [Int], { description: 'Every step with such a matrix (same run, kind, dataset and other run), for a step slider.' })
  steps(@Root() m: SimilarityMatrix, @Ctx() ctx: Context): Promise<number[]> {
    return similaritySteps(ctx.app, m);
  }
}
