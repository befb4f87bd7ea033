/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.CancelRunDocument,
    "\n  mutation RetryRun($id: ID!) {\n    retryRun(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.RetryRunDocument,
    "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJobs {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n": typeof types.AgentsOverviewDocument,
    "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n": typeof types.QueueListingDocument,
    "\n  query CellRuns($filter: RunFilter!) {\n    cellRuns: runs(filter: $filter, first: 200, orderBy: { field: SEED, direction: ASC }) {\n      nodes {\n        id\n        name\n        seed\n        status\n        config\n        sweep {\n          name\n        }\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n": typeof types.CellRunsDocument,
    "\n  query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!, $partition: Int) {\n    depthProfile(runIds: $runIds, cell: $cell, metric: $metric, partition: $partition) {\n      runIds\n      metric {\n        ...ResolvedMetric\n      }\n      points {\n        ...DepthPointSummary\n      }\n    }\n  }\n": typeof types.DepthProfileDocument,
    "\n  fragment EvaluationValue on Evaluation {\n    kind\n    metric\n    target\n    dataset\n    depthUnit\n    depth\n    step\n    value\n  }\n": typeof types.EvaluationValueFragmentDoc,
    "\n  query Projects {\n    projects(first: 200) {\n      id\n      name\n      description\n      runCount\n      createdAt\n      sweeps {\n        id\n      }\n    }\n  }\n": typeof types.ProjectsDocument,
    "\n  query RecentSweeps($first: Int!, $project: String) {\n    sweeps(first: $first, project: $project) {\n      ...SweepSummary\n    }\n  }\n": typeof types.RecentSweepsDocument,
    "\n  query ProjectByName($name: String!) {\n    project(name: $name) {\n      id\n    }\n  }\n": typeof types.ProjectByNameDocument,
    "\n  query Baselines($project: String!) {\n    baselines(project: $project) {\n      id\n      name\n      createdAt\n      updatedAt\n      sweep {\n        id\n        name\n      }\n      runIds\n      checks(first: 1) {\n        id\n        createdAt\n        passed\n        failed\n        insufficient\n        verdicts {\n          verdict\n        }\n      }\n    }\n  }\n": typeof types.BaselinesDocument,
    "\n  query RegressionChecks($project: String!, $baseline: String!, $first: Int!) {\n    regressionChecks(project: $project, baseline: $baseline, first: $first) {\n      id\n      createdAt\n      baselineName\n      candidate\n      passed\n      failed\n      insufficient\n      verdicts {\n        ruleIndex\n        rule\n        verdict\n        message\n        block\n        cell {\n          modelSize\n          blocks\n          mode\n        }\n        metric {\n          source\n          key\n          kind\n          target\n        }\n        baselineMean\n        baselineStd\n        baselineN\n        candidateMean\n        candidateStd\n        candidateN\n        delta\n        ciLow\n        ciHigh\n        drop\n        allowedDrop\n      }\n    }\n  }\n": typeof types.RegressionChecksDocument,
    "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      name\n      status\n      mode\n      modelSize\n      blocks\n      partitions\n      seed\n      dataset\n      config\n      backend\n      agentId\n      agentName\n      tags\n      notes\n      error\n      divergence {\n        step\n        block\n        quantity\n        value\n      }\n      createdAt\n      startedAt\n      finishedAt\n      updatedAt\n      durationSeconds\n      project {\n        id\n        name\n      }\n      sweep {\n        id\n        name\n      }\n      checkpoints {\n        step\n        sha256\n        bytes\n        createdAt\n      }\n      jobs(first: 5) {\n        id\n        status\n        attempts\n        maxAttempts\n        lastError\n        progress\n        cancelRequested\n        leaseExpiresAt\n        notBefore\n      }\n      evaluations {\n        ...EvaluationValue\n        std\n        ciLow\n        ciHigh\n      }\n    }\n  }\n": typeof types.RunDetailDocument,
    "\n  query RunsPage(\n    $filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!,\n    $withMetrics: Boolean!, $metricKinds: [EvaluationKind!], $metrics: [String!], $metricTargets: [String!]\n  ) {\n    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount @include(if: $withCount)\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      nodes {\n        id\n        name\n        status\n        mode\n        modelSize\n        blocks\n        seed\n        dataset\n        tags\n        sweepId\n        sweep {\n          name\n        }\n        createdAt\n        startedAt\n        finishedAt\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK, kind: $metricKinds, metric: $metrics, target: $metricTargets }) @include(if: $withMetrics) {\n          ...EvaluationValue\n        }\n      }\n    }\n  }\n": typeof types.RunsPageDocument,
    "\n  query RunsColumnOptions($filter: RunFilter) {\n    runs(filter: $filter, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {\n      nodes {\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n": typeof types.RunsColumnOptionsDocument,
    "\n  query MetricSeries($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {\n    metricSeries: metricSeriesColumns(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {\n      ...SeriesPoints\n      mins\n      maxs\n    }\n  }\n": typeof types.MetricSeriesDocument,
    "\n  query MetricKeys($runIds: [ID!]!) {\n    metricKeys(runIds: $runIds) {\n      ...MetricExtent\n    }\n  }\n": typeof types.MetricKeysDocument,
    "\n  query Similarity($runId: ID!, $kind: SimilarityKind!, $step: Int, $otherRunId: ID, $partition: Int) {\n    similarity(runId: $runId, kind: $kind, step: $step, otherRunId: $otherRunId, partition: $partition) {\n      ...SimilarityHeader\n      values\n    }\n  }\n": typeof types.SimilarityDocument,
    "\n  query PatchDiagnostics($runId: ID!, $step: Int) {\n    patchDiagnostics(runId: $runId, step: $step) {\n      step\n      dataset\n      block\n      tokenCosine\n      occDrop\n      effectiveRank\n      participationRatio\n      isotropy\n      uniformity\n      tokenNormMean\n      attentionDistance\n      attentionDistanceSpatial\n      attentionDistanceTemporal\n      reconstructionError\n      reconstructionGrid\n    }\n  }\n": typeof types.PatchDiagnosticsDocument,
    "\n  query SweepHeader($id: ID!) {\n    sweep(id: $id) {\n      ...SweepSummary\n    }\n  }\n": typeof types.SweepHeaderDocument,
    "\n  query SweepTargets($sweepId: ID!) {\n    runs(filter: { sweepId: $sweepId, status: [SUCCEEDED, RUNNING] }, first: 3) {\n      nodes {\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n          dataset\n        }\n      }\n    }\n  }\n": typeof types.SweepTargetsDocument,
    "\n  query SweepGrid($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {\n    sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {\n      block\n      at\n      modelSizes\n      blocks\n      modes\n      seeds\n      metric {\n        ...ResolvedMetric\n      }\n      cells {\n        ...GridCellSummary\n      }\n    }\n  }\n": typeof types.SweepGridDocument,
    "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n": typeof types.ViewerDocument,
    "fragment SweepSummary on Sweep {\n  id\n  name\n  projectId\n  project {\n    id\n    name\n  }\n  createdAt\n  specHash\n  factors {\n    modelSizes\n    blocks\n    modes\n    seeds\n  }\n  statusCounts {\n    total\n    queued\n    running\n    succeeded\n    failed\n    cancelled\n  }\n}\n\nfragment ResolvedMetric on ResolvedMetricInfo {\n  source\n  key\n  kind\n  target\n  dataset\n  split\n  depthUnit\n  similarity\n}\n\nfragment SeedValues on SeedValue {\n  runId\n  seed\n  status\n  value\n  step\n  depth\n}\n\nfragment GridCellSummary on GridCell {\n  modelSize\n  blocks\n  mode\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n  runs\n  missing\n  queued\n  running\n  failed\n  cancelled\n  values {\n    ...SeedValues\n  }\n}\n\nfragment DepthPointSummary on DepthPoint {\n  depth\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n}\n\nfragment SeriesPoints on MetricSeriesColumns {\n  runId\n  key\n  block\n  downsampled\n  pointCount\n  steps\n  values\n}\n\nfragment MetricExtent on MetricKeyInfo {\n  runId\n  key\n  block\n  firstStep\n  lastStep\n  lastValue\n}\n\nfragment SimilarityHeader on SimilarityMatrix {\n  runId\n  otherRunId\n  kind\n  step\n  steps\n  dataset\n  rowLabels\n  colLabels\n}": typeof types.SweepSummaryFragmentDoc,
};
const documents: Documents = {
    "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      id\n      status\n    }\n  }\n": types.CancelRunDocument,
    "\n  mutation RetryRun($id: ID!) {\n    retryRun(id: $id) {\n      id\n      status\n    }\n  }\n": types.RetryRunDocument,
    "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJobs {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n": types.AgentsOverviewDocument,
    "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n": types.QueueListingDocument,
    "\n  query CellRuns($filter: RunFilter!) {\n    cellRuns: runs(filter: $filter, first: 200, orderBy: { field: SEED, direction: ASC }) {\n      nodes {\n        id\n        name\n        seed\n        status\n        config\n        sweep {\n          name\n        }\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n": types.CellRunsDocument,
    "\n  query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!, $partition: Int) {\n    depthProfile(runIds: $runIds, cell: $cell, metric: $metric, partition: $partition) {\n      runIds\n      metric {\n        ...ResolvedMetric\n      }\n      points {\n        ...DepthPointSummary\n      }\n    }\n  }\n": types.DepthProfileDocument,
    "\n  fragment EvaluationValue on Evaluation {\n    kind\n    metric\n    target\n    dataset\n    depthUnit\n    depth\n    step\n    value\n  }\n": types.EvaluationValueFragmentDoc,
    "\n  query Projects {\n    projects(first: 200) {\n      id\n      name\n      description\n      runCount\n      createdAt\n      sweeps {\n        id\n      }\n    }\n  }\n": types.ProjectsDocument,
    "\n  query RecentSweeps($first: Int!, $project: String) {\n    sweeps(first: $first, project: $project) {\n      ...SweepSummary\n    }\n  }\n": types.RecentSweepsDocument,
    "\n  query ProjectByName($name: String!) {\n    project(name: $name) {\n      id\n    }\n  }\n": types.ProjectByNameDocument,
    "\n  query Baselines($project: String!) {\n    baselines(project: $project) {\n      id\n      name\n      createdAt\n      updatedAt\n      sweep {\n        id\n        name\n      }\n      runIds\n      checks(first: 1) {\n        id\n        createdAt\n        passed\n        failed\n        insufficient\n        verdicts {\n          verdict\n        }\n      }\n    }\n  }\n": types.BaselinesDocument,
    "\n  query RegressionChecks($project: String!, $baseline: String!, $first: Int!) {\n    regressionChecks(project: $project, baseline: $baseline, first: $first) {\n      id\n      createdAt\n      baselineName\n      candidate\n      passed\n      failed\n      insufficient\n      verdicts {\n        ruleIndex\n        rule\n        verdict\n        message\n        block\n        cell {\n          modelSize\n          blocks\n          mode\n        }\n        metric {\n          source\n          key\n          kind\n          target\n        }\n        baselineMean\n        baselineStd\n        baselineN\n        candidateMean\n        candidateStd\n        candidateN\n        delta\n        ciLow\n        ciHigh\n        drop\n        allowedDrop\n      }\n    }\n  }\n": types.RegressionChecksDocument,
    "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      name\n      status\n      mode\n      modelSize\n      blocks\n      partitions\n      seed\n      dataset\n      config\n      backend\n      agentId\n      agentName\n      tags\n      notes\n      error\n      divergence {\n        step\n        block\n        quantity\n        value\n      }\n      createdAt\n      startedAt\n      finishedAt\n      updatedAt\n      durationSeconds\n      project {\n        id\n        name\n      }\n      sweep {\n        id\n        name\n      }\n      checkpoints {\n        step\n        sha256\n        bytes\n        createdAt\n      }\n      jobs(first: 5) {\n        id\n        status\n        attempts\n        maxAttempts\n        lastError\n        progress\n        cancelRequested\n        leaseExpiresAt\n        notBefore\n      }\n      evaluations {\n        ...EvaluationValue\n        std\n        ciLow\n        ciHigh\n      }\n    }\n  }\n": types.RunDetailDocument,
    "\n  query RunsPage(\n    $filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!,\n    $withMetrics: Boolean!, $metricKinds: [EvaluationKind!], $metrics: [String!], $metricTargets: [String!]\n  ) {\n    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount @include(if: $withCount)\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      nodes {\n        id\n        name\n        status\n        mode\n        modelSize\n        blocks\n        seed\n        dataset\n        tags\n        sweepId\n        sweep {\n          name\n        }\n        createdAt\n        startedAt\n        finishedAt\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK, kind: $metricKinds, metric: $metrics, target: $metricTargets }) @include(if: $withMetrics) {\n          ...EvaluationValue\n        }\n      }\n    }\n  }\n": types.RunsPageDocument,
    "\n  query RunsColumnOptions($filter: RunFilter) {\n    runs(filter: $filter, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {\n      nodes {\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n": types.RunsColumnOptionsDocument,
    "\n  query MetricSeries($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {\n    metricSeries: metricSeriesColumns(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {\n      ...SeriesPoints\n      mins\n      maxs\n    }\n  }\n": types.MetricSeriesDocument,
    "\n  query MetricKeys($runIds: [ID!]!) {\n    metricKeys(runIds: $runIds) {\n      ...MetricExtent\n    }\n  }\n": types.MetricKeysDocument,
    "\n  query Similarity($runId: ID!, $kind: SimilarityKind!, $step: Int, $otherRunId: ID, $partition: Int) {\n    similarity(runId: $runId, kind: $kind, step: $step, otherRunId: $otherRunId, partition: $partition) {\n      ...SimilarityHeader\n      values\n    }\n  }\n": types.SimilarityDocument,
    "\n  query PatchDiagnostics($runId: ID!, $step: Int) {\n    patchDiagnostics(runId: $runId, step: $step) {\n      step\n      dataset\n      block\n      tokenCosine\n      occDrop\n      effectiveRank\n      participationRatio\n      isotropy\n      uniformity\n      tokenNormMean\n      attentionDistance\n      attentionDistanceSpatial\n      attentionDistanceTemporal\n      reconstructionError\n      reconstructionGrid\n    }\n  }\n": types.PatchDiagnosticsDocument,
    "\n  query SweepHeader($id: ID!) {\n    sweep(id: $id) {\n      ...SweepSummary\n    }\n  }\n": types.SweepHeaderDocument,
    "\n  query SweepTargets($sweepId: ID!) {\n    runs(filter: { sweepId: $sweepId, status: [SUCCEEDED, RUNNING] }, first: 3) {\n      nodes {\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n          dataset\n        }\n      }\n    }\n  }\n": types.SweepTargetsDocument,
    "\n  query SweepGrid($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {\n    sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {\n      block\n      at\n      modelSizes\n      blocks\n      modes\n      seeds\n      metric {\n        ...ResolvedMetric\n      }\n      cells {\n        ...GridCellSummary\n      }\n    }\n  }\n": types.SweepGridDocument,
    "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n": types.ViewerDocument,
    "fragment SweepSummary on Sweep {\n  id\n  name\n  projectId\n  project {\n    id\n    name\n  }\n  createdAt\n  specHash\n  factors {\n    modelSizes\n    blocks\n    modes\n    seeds\n  }\n  statusCounts {\n    total\n    queued\n    running\n    succeeded\n    failed\n    cancelled\n  }\n}\n\nfragment ResolvedMetric on ResolvedMetricInfo {\n  source\n  key\n  kind\n  target\n  dataset\n  split\n  depthUnit\n  similarity\n}\n\nfragment SeedValues on SeedValue {\n  runId\n  seed\n  status\n  value\n  step\n  depth\n}\n\nfragment GridCellSummary on GridCell {\n  modelSize\n  blocks\n  mode\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n  runs\n  missing\n  queued\n  running\n  failed\n  cancelled\n  values {\n    ...SeedValues\n  }\n}\n\nfragment DepthPointSummary on DepthPoint {\n  depth\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n}\n\nfragment SeriesPoints on MetricSeriesColumns {\n  runId\n  key\n  block\n  downsampled\n  pointCount\n  steps\n  values\n}\n\nfragment MetricExtent on MetricKeyInfo {\n  runId\n  key\n  block\n  firstStep\n  lastStep\n  lastValue\n}\n\nfragment SimilarityHeader on SimilarityMatrix {\n  runId\n  otherRunId\n  kind\n  step\n  steps\n  dataset\n  rowLabels\n  colLabels\n}": types.SweepSummaryFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').CancelRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryRun($id: ID!) {\n    retryRun(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').RetryRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJobs {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n"): typeof import('./graphql').AgentsOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n"): typeof import('./graphql').QueueListingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CellRuns($filter: RunFilter!) {\n    cellRuns: runs(filter: $filter, first: 200, orderBy: { field: SEED, direction: ASC }) {\n      nodes {\n        id\n        name\n        seed\n        status\n        config\n        sweep {\n          name\n        }\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').CellRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!, $partition: Int) {\n    depthProfile(runIds: $runIds, cell: $cell, metric: $metric, partition: $partition) {\n      runIds\n      metric {\n        ...ResolvedMetric\n      }\n      points {\n        ...DepthPointSummary\n      }\n    }\n  }\n"): typeof import('./graphql').DepthProfileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EvaluationValue on Evaluation {\n    kind\n    metric\n    target\n    dataset\n    depthUnit\n    depth\n    step\n    value\n  }\n"): typeof import('./graphql').EvaluationValueFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Projects {\n    projects(first: 200) {\n      id\n      name\n      description\n      runCount\n      createdAt\n      sweeps {\n        id\n      }\n    }\n  }\n"): typeof import('./graphql').ProjectsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentSweeps($first: Int!, $project: String) {\n    sweeps(first: $first, project: $project) {\n      ...SweepSummary\n    }\n  }\n"): typeof import('./graphql').RecentSweepsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectByName($name: String!) {\n    project(name: $name) {\n      id\n    }\n  }\n"): typeof import('./graphql').ProjectByNameDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Baselines($project: String!) {\n    baselines(project: $project) {\n      id\n      name\n      createdAt\n      updatedAt\n      sweep {\n        id\n        name\n      }\n      runIds\n      checks(first: 1) {\n        id\n        createdAt\n        passed\n        failed\n        insufficient\n        verdicts {\n          verdict\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').BaselinesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegressionChecks($project: String!, $baseline: String!, $first: Int!) {\n    regressionChecks(project: $project, baseline: $baseline, first: $first) {\n      id\n      createdAt\n      baselineName\n      candidate\n      passed\n      failed\n      insufficient\n      verdicts {\n        ruleIndex\n        rule\n        verdict\n        message\n        block\n        cell {\n          modelSize\n          blocks\n          mode\n        }\n        metric {\n          source\n          key\n          kind\n          target\n        }\n        baselineMean\n        baselineStd\n        baselineN\n        candidateMean\n        candidateStd\n        candidateN\n        delta\n        ciLow\n        ciHigh\n        drop\n        allowedDrop\n      }\n    }\n  }\n"): typeof import('./graphql').RegressionChecksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      name\n      status\n      mode\n      modelSize\n      blocks\n      partitions\n      seed\n      dataset\n      config\n      backend\n      agentId\n      agentName\n      tags\n      notes\n      error\n      divergence {\n        step\n        block\n        quantity\n        value\n      }\n      createdAt\n      startedAt\n      finishedAt\n      updatedAt\n      durationSeconds\n      project {\n        id\n        name\n      }\n      sweep {\n        id\n        name\n      }\n      checkpoints {\n        step\n        sha256\n        bytes\n        createdAt\n      }\n      jobs(first: 5) {\n        id\n        status\n        attempts\n        maxAttempts\n        lastError\n        progress\n        cancelRequested\n        leaseExpiresAt\n        notBefore\n      }\n      evaluations {\n        ...EvaluationValue\n        std\n        ciLow\n        ciHigh\n      }\n    }\n  }\n"): typeof import('./graphql').RunDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsPage(\n    $filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!,\n    $withMetrics: Boolean!, $metricKinds: [EvaluationKind!], $metrics: [String!], $metricTargets: [String!]\n  ) {\n    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount @include(if: $withCount)\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      nodes {\n        id\n        name\n        status\n        mode\n        modelSize\n        blocks\n        seed\n        dataset\n        tags\n        sweepId\n        sweep {\n          name\n        }\n        createdAt\n        startedAt\n        finishedAt\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK, kind: $metricKinds, metric: $metrics, target: $metricTargets }) @include(if: $withMetrics) {\n          ...EvaluationValue\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RunsPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsColumnOptions($filter: RunFilter) {\n    runs(filter: $filter, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {\n      nodes {\n        evaluations(filter: { latestOnly: true, depthUnit: BLOCK }) {\n          kind\n          metric\n          target\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RunsColumnOptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricSeries($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {\n    metricSeries: metricSeriesColumns(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {\n      ...SeriesPoints\n      mins\n      maxs\n    }\n  }\n"): typeof import('./graphql').MetricSeriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricKeys($runIds: [ID!]!) {\n    metricKeys(runIds: $runIds) {\n      ...MetricExtent\n    }\n  }\n"): typeof import('./graphql').MetricKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Similarity($runId: ID!, $kind: SimilarityKind!, $step: Int, $otherRunId: ID, $partition: Int) {\n    similarity(runId: $runId, kind: $kind, step: $step, otherRunId: $otherRunId, partition: $partition) {\n      ...SimilarityHeader\n      values\n    }\n  }\n"): typeof import('./graphql').SimilarityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatchDiagnostics($runId: ID!, $step: Int) {\n    patchDiagnostics(runId: $runId, step: $step) {\n      step\n      dataset\n      block\n      tokenCosine\n      occDrop\n      effectiveRank\n      participationRatio\n      isotropy\n      uniformity\n      tokenNormMean\n      attentionDistance\n      attentionDistanceSpatial\n      attentionDistanceTemporal\n      reconstructionError\n      reconstructionGrid\n    }\n  }\n"): typeof import('./graphql').PatchDiagnosticsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SweepHeader($id: ID!) {\n    sweep(id: $id) {\n      ...SweepSummary\n    }\n  }\n"): typeof import('./graphql').SweepHeaderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SweepTargets($sweepId: ID!) {\n    runs(filter: { sweepId: $sweepId, status: [SUCCEEDED, RUNNING] }, first: 3) {\n      nodes {\n        evaluations(filter: { latestOnly: true }) {\n          kind\n          metric\n          target\n          dataset\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SweepTargetsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SweepGrid($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {\n    sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {\n      block\n      at\n      modelSizes\n      blocks\n      modes\n      seeds\n      metric {\n        ...ResolvedMetric\n      }\n      cells {\n        ...GridCellSummary\n      }\n    }\n  }\n"): typeof import('./graphql').SweepGridDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n"): typeof import('./graphql').ViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SweepSummary on Sweep {\n  id\n  name\n  projectId\n  project {\n    id\n    name\n  }\n  createdAt\n  specHash\n  factors {\n    modelSizes\n    blocks\n    modes\n    seeds\n  }\n  statusCounts {\n    total\n    queued\n    running\n    succeeded\n    failed\n    cancelled\n  }\n}\n\nfragment ResolvedMetric on ResolvedMetricInfo {\n  source\n  key\n  kind\n  target\n  dataset\n  split\n  depthUnit\n  similarity\n}\n\nfragment SeedValues on SeedValue {\n  runId\n  seed\n  status\n  value\n  step\n  depth\n}\n\nfragment GridCellSummary on GridCell {\n  modelSize\n  blocks\n  mode\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n  runs\n  missing\n  queued\n  running\n  failed\n  cancelled\n  values {\n    ...SeedValues\n  }\n}\n\nfragment DepthPointSummary on DepthPoint {\n  depth\n  n\n  mean\n  std\n  ciLow\n  ciHigh\n}\n\nfragment SeriesPoints on MetricSeriesColumns {\n  runId\n  key\n  block\n  downsampled\n  pointCount\n  steps\n  values\n}\n\nfragment MetricExtent on MetricKeyInfo {\n  runId\n  key\n  block\n  firstStep\n  lastStep\n  lastValue\n}\n\nfragment SimilarityHeader on SimilarityMatrix {\n  runId\n  otherRunId\n  kind\n  step\n  steps\n  dataset\n  rowLabels\n  colLabels\n}"): typeof import('./graphql').SweepSummaryFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
