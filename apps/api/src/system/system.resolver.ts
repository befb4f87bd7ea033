import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';

@ObjectType({ description: 'The caller, as the API sees its token.' })
export class Viewer {
  @Field(() => String, { nullable: true }) tokenId!: string | null;
  @Field(() => String) role!: string;
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true }) agentId!: string | null;
}

@Resolver()
export class SystemResolver {
  @Authorized('READER', 'AGENT')
  @Query(() => Viewer, { description: 'Who the API thinks you are.' })
  viewer(@Ctx() ctx: Context): Viewer {
    const p = ctx.principal!;
    return { tokenId: p.tokenId, role: p.role, label: p.label, agentId: p.agentId };
  }
}
