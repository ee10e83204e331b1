/**
 * One fault on a chaos pipeline of its own: starts the stages, runs the fault scenario, adds its
 * rows to the file's report, and closes the pipeline and its Elasticsearch client whatever
 * happened. A fault test is then its pipeline, its fault and its assertions.
 */
import { esClient } from '../../sinks/elasticsearch/index.js';
import { ChaosPipeline, type ChaosPipelineOptions, type ChaosStage } from './chaos-pipeline.js';
import type { ChaosReport } from './chaos-report.js';
import { runFaultScenario, type FaultSpec, type ScenarioOptions, type ScenarioResult } from './chaos-scenario.js';

export interface ChaosFaultRun extends Omit<ScenarioOptions, 'pipeline' | 'es' | 'fault'> {
  pipeline: ChaosPipelineOptions;
  stages: readonly ChaosStage[];
  report: ChaosReport;
  /** The fault, given the running pipeline (to kill one of its stages). */
  fault(pipeline: ChaosPipeline): FaultSpec;
  /** Runs after the scenario, while the pipeline still runs: checks and diagnostics that need it. */
  after?(result: ScenarioResult, pipeline: ChaosPipeline): Promise<void> | void;
}

export async function runChaosFault(run: ChaosFaultRun): Promise<ScenarioResult> {
  const { pipeline: options, stages, report, fault, after, ...scenario } = run;
  const pipeline = await ChaosPipeline.create(options);
  const es = esClient(pipeline.config.elasticsearch);
  try {
    await pipeline.startAll(stages);
    const result = await runFaultScenario({ ...scenario, pipeline, es, fault: fault(pipeline) });
    for (const row of result.rows) report.add(row);
    await after?.(result, pipeline);
    return result;
  } finally {
    await es.close();
    await pipeline.close();
  }
}
