// GraphQL enums for evaluation results and similarity matrices, registered once here
// (the read-side modules import them rather than registering the same names again).
import { registerEnumType } from 'type-graphql';
import { DepthUnit, EvaluationKind, SimilarityKind } from '@stratum/db';

registerEnumType(EvaluationKind, { name: 'EvaluationKind', description: 'Which evaluation produced a value.' });
registerEnumType(DepthUnit, { name: 'DepthUnit', description: 'Where in the network a measurement was taken: whole MODEL, encoder BLOCK or LAYER.' });
registerEnumType(SimilarityKind, { name: 'SimilarityKind', description: 'The similarity index of a matrix.' });

export { DepthUnit, EvaluationKind, SimilarityKind };
