import { ArgsType, Field, Int } from 'type-graphql';
import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';

import { NAME_MESSAGE, NAME_PATTERN } from '@stratum/run-config';

export { NAME_MESSAGE, NAME_PATTERN };

@ArgsType()
export class CreateProjectArgs {
  @Field(() => String) @Matches(NAME_PATTERN, { message: NAME_MESSAGE }) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
}

@ArgsType()
export class ProjectsArgs {
  @Field(() => Int, { defaultValue: 100 }) @IsInt() @Min(1) @Max(1000) first: number = 100;
}
