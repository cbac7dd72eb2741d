/**
 * The CDK app: seven stacks by concern, wired one way (no cycles):
 *
 *   Secrets ─┐
 *   Data ────┼─> Functions ─> Api ──────┐
 *   Storage ─┘        └────> Events ────┴─> Observability
 *
 * Stack names carry the stage: Weishibao-<stage>-<Concern>. Account and region come from the
 * CLI's environment (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION); without them the templates are
 * environment-agnostic. Every ARN is built with the partition, so the same app deploys to AWS
 * China (cn-north-1, cn-northwest-1), where residents' personal data belongs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { REPO_ROOT } from './catalog.ts';
import { DataStack } from './data-stack.ts';
import { EventsStack } from './events-stack.ts';
import { FunctionsStack } from './functions-stack.ts';
import { ObservabilityStack } from './observability-stack.ts';
import { readSettings, type Settings } from './settings.ts';
import { SecretsStack } from './secrets-stack.ts';
import { StorageStack } from './storage-stack.ts';

export interface WeishibaoStacks {
  settings: Settings;
  secrets: SecretsStack;
  data: DataStack;
  storage: StorageStack;
  functions: FunctionsStack;
  api: ApiStack;
  events: EventsStack;
  observability: ObservabilityStack;
  all: Stack[];
}

/** cdk.json's context (feature flags pinned when the app was created, default stage) */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'infra', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** An App as the CLI would build it, for tests: cdk.json's context plus `context`. */
export function createApp(context: Record<string, unknown> = {}, outdir?: string): App {
  return new App({ context: { ...cdkJsonContext(), ...context }, ...(outdir ? { outdir } : {}) });
}

export function buildStacks(app: App, env?: Environment): WeishibaoStacks {
  const settings = readSettings(app.node);
  const name = (concern: string) => `Weishibao-${settings.stage}-${concern}`;
  const common = { env, settings };

  const secrets = new SecretsStack(app, name('Secrets'), { ...common, description: 'Weishibao: token key and WeChat credentials' });
  const data = new DataStack(app, name('Data'), { ...common, description: 'Weishibao: the single DynamoDB table' });
  const storage = new StorageStack(app, name('Storage'), { ...common, description: 'Weishibao: private photo bucket' });
  const functions = new FunctionsStack(app, name('Functions'), {
    ...common,
    description: 'Weishibao: Lambda functions derived from the route and schedule tables',
    table: data.table,
    indexNames: data.indexNames,
    bucket: storage.bucket,
    bucketArnExport: storage.bucketArnExport,
    tokenSecret: secrets.tokenSecret,
    wechatSecret: secrets.wechatSecret,
  });
  const api = new ApiStack(app, name('Api'), { ...common, description: 'Weishibao: HTTP API', functions: functions.functions });
  const events = new EventsStack(app, name('Events'), {
    ...common,
    description: 'Weishibao: stream, S3 and schedule triggers with failure queues',
    table: data.table,
    bucket: storage.bucket,
    functions: functions.functions,
  });
  const observability = new ObservabilityStack(app, name('Observability'), {
    ...common,
    description: 'Weishibao: alarms and dashboard',
    functions: functions.functions,
    api: api.api,
    queues: events.queues,
    table: data.table,
  });

  const all = [secrets, data, storage, functions, api, events, observability];
  for (const s of all) {
    Tags.of(s).add('project', 'weishibao');
    Tags.of(s).add('stage', settings.stage);
  }
  return { settings, secrets, data, storage, functions, api, events, observability, all };
}

/** The deployable app: stacks plus the AwsSolutions checks (synth fails on an unacknowledged error). */
export function main(): App {
  const app = new App();
  const env: Environment | undefined =
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined;
  buildStacks(app, env);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
