import { ArgsType, Field, Int } from 'type-graphql';
import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export const NAME_MESSAGE = 'names are 1–100 characters of letters, digits and _.:- starting with a letter or digit';

@ArgsType()
export class CreateProjectArgs {
  @Field(() => String) @Matches(NAME_PATTERN, { message: NAME_MESSAGE }) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
}

@ArgsType()
export class ProjectsArgs {
  @Field(() => Int, { defaultValue: 100 }) @IsInt() @Min(1) @Max(1000) first: number = 100;
}
