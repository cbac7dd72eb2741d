/**
 * Functions: one Lambda per entry the catalog derives from the route and schedule tables.
 * Node 22, arm64 (x86_64 where a native module ships a linux-x64 binary), ESM bundles built by
 * the local esbuild with THE options of bundling.ts, one log group per function with retention,
 * and a role per function that holds exactly what `access.ts` says: no managed policies, no
 * wildcard actions, resources named (table, its indexes, bucket prefixes, the secrets its code
 * reads). Scheduled functions run one at a time (reserved concurrency 1). The push queue lives
 * here too (push-queue.ts): the notifier's environment names it.
 */
import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, type FunctionProps, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { accessOf, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS, type Access } from './access.ts';
import { esbuildOptions, NATIVE_MODULES, nativeCopyCommands, type LambdaEsbuildOptions } from './bundling.ts';
import { functionSpecs, REPO_ROOT, type FunctionKind, type FunctionSpec } from './catalog.ts';
import type { Settings } from './settings.ts';
import { pushQueues, webhookQueues, type PushQueues } from './push-queue.ts';
import { WEBHOOK_QUEUE } from './catalog.ts';

export const RUNTIME = Runtime.NODEJS_22_X;

/**
 * Reserved concurrency of scheduled functions. Reserving takes from the account's unreserved
 * pool, of which Lambda keeps a minimum (the docs: you can reserve up to the unreserved value
 * minus 100): an account still on a new-account quota of 10 must raise it before deploying
 * (README "Deploy to AWS").
 */
export const SCHEDULE_CONCURRENCY = 1;

const SIZING: Record<FunctionKind, { memoryMiB: number; timeout: Duration }> = {
  // API Gateway gives up after 30 s; a request that takes 10 s is already broken
  api: { memoryMiB: 512, timeout: Duration.seconds(10) },
  stream: { memoryMiB: 512, timeout: Duration.seconds(60) },
  // 10 pushes side by side, each at worst ~32 s (events/consumers: 4 attempts of WeChat's 5 s timeout, back-off, token, template check)
  queue: { memoryMiB: 512, timeout: Duration.seconds(60) },
  // sharp decodes up to 10 MB images: memory is also CPU
  photos: { memoryMiB: 1536, timeout: Duration.seconds(60) },
  // shorter than the shortest schedule interval (5 min), so runs never overlap
  schedule: { memoryMiB: 512, timeout: Duration.minutes(2) },
};

/** CDK's spelling of the shared esbuild options: every option is mapped, or this does not compile. */
export function cdkBundling(name: string): BundlingOptions {
  const o: LambdaEsbuildOptions = esbuildOptions(name);
  const mapped: { [K in keyof LambdaEsbuildOptions]: Partial<BundlingOptions> } = {
    bundle: {},
    platform: {},
    format: { format: o.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS },
    target: { target: o.target },
    minify: { minify: o.minify },
    sourcemap: { sourceMap: o.sourcemap },
    mainFields: { mainFields: o.mainFields },
    banner: { banner: o.banner.js },
    external: { externalModules: o.external },
    charset: { charset: o.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII },
  };
  const bundling: BundlingOptions = Object.assign({}, ...Object.values(mapped)) as BundlingOptions;
  if ((NATIVE_MODULES[name] ?? []).length === 0) return bundling;
  return {
    ...bundling,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => nativeCopyCommands(name, outputDir),
    },
  };
}

export const architectureOf = (name: string) => ((NATIVE_MODULES[name] ?? []).length ? Architecture.X86_64 : Architecture.ARM_64);

export interface DeployedFunction {
  spec: FunctionSpec;
  access: Access;
  fn: LambdaFunction;
  role: Role;
  logGroup: LogGroup;
  /** the queue a 'queue' function consumes */
  queue?: PushQueues;
}

export interface FunctionsStackProps extends StackProps {
  settings: Settings;
  table: TableV2;
  indexNames: readonly string[];
  bucket: IBucket;
  /** the bucket ARN as an import of a named export (see StorageStack.bucketArnExport) */
  bucketArnExport: { name: string; importValue: string };
  tokenSecret: ISecret;
  wechatSecret: ISecret;
}

export class FunctionsStack extends Stack {
  readonly functions: DeployedFunction[] = [];
  readonly pushQueues: PushQueues;
  readonly webhookQueues: PushQueues;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    const { settings, table, bucket } = props;
    const prod = settings.stage === 'prod';
    this.pushQueues = pushQueues(this);
    this.webhookQueues = webhookQueues(this);

    for (const spec of functionSpecs()) {
      const access = accessOf(spec);
      const id = pascal(spec.name);

      const logGroup = new LogGroup(this, `${id}Logs`, {
        retention: settings.logRetention,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      const role = new Role(this, `${id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `weishibao ${spec.name}: ${spec.description}`,
      });
      // instead of AWSLambdaBasicExecutionRole (logs:* on every log group): its own group only
      logGroup.grantWrite(role);

      const environment: Record<string, string> = {
        STAGE: settings.stage,
        TABLE_NAME: table.tableName,
        PHOTO_BUCKET: bucket.bucketName,
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'weishibao',
        NODE_OPTIONS: '--enable-source-maps',
        ...(access.tokenSecret ? { TOKEN_SECRET_ARN: props.tokenSecret.secretArn } : {}),
        ...(access.wechatSecret
          ? {
              WECHAT_SECRET_ARN: props.wechatSecret.secretArn,
              ...(settings.wechatAppId ? { WECHAT_APPID: settings.wechatAppId } : {}),
            }
          : {}),
        // GET /v1/me offers these ids to subscribe to and POST /v1/auth/subscriptions checks
        // them, so it is not only the senders that need them
        ...(access.templates ? settings.wechatTemplateEnv : {}),
        ...(access.pushQueue ? { PUSH_QUEUE_URL: this.pushQueues.queue.queueUrl } : {}),
        ...(access.webhookQueue ? { WEBHOOK_QUEUE_URL: this.webhookQueues.queue.queueUrl } : {}),
        ...(access.basemap ? settings.mapTileEnv : {}),
      };
      const common: Omit<FunctionProps, 'code' | 'handler'> = {
        runtime: RUNTIME,
        architecture: architectureOf(spec.name),
        memorySize: SIZING[spec.kind].memoryMiB,
        timeout: SIZING[spec.kind].timeout,
        description: spec.description.slice(0, 256),
        role,
        logGroup,
        environment,
        // a scheduled job runs one at a time: a slow run and the next tick never overlap (the
        // sweeper fires each timer once either way; overlapping runs would only race each other)
        ...(spec.kind === 'schedule' ? { reservedConcurrentExecutions: SCHEDULE_CONCURRENCY } : {}),
      };
      const fn = settings.bundle
        ? new NodejsFunction(this, id, {
            ...common,
            entry: spec.entry,
            handler: 'handler',
            projectRoot: REPO_ROOT,
            depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
            bundling: cdkBundling(spec.name),
          })
        : // infra tests only (context bundle=false): same function, stub code, no esbuild runs
          new LambdaFunction(this, id, {
            ...common,
            code: Code.fromInline(`exports.handler = async () => { throw new Error('stub for ${spec.name}'); };`),
            handler: 'index.handler',
          });

      grantAccess(role, access, props);
      if (access.pushQueue) this.pushQueues.queue.grantSendMessages(role);
      if (access.webhookQueue) this.webhookQueues.queue.grantSendMessages(role);
      const consumes = spec.kind !== 'queue' ? undefined : spec.name === WEBHOOK_QUEUE.consumer ? this.webhookQueues : this.pushQueues;
      this.functions.push({ spec, access, fn, role, logGroup, ...(consumes ? { queue: consumes } : {}) });
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the pinned Lambda runtime (ENGINEERING.md: the bundles, Powertools and middy 6 are tested for it); moving to a newer runtime is a deliberate upgrade, not a synth-time default.',
    });
  }

  byName(name: string): DeployedFunction {
    const f = this.functions.find((x) => x.spec.name === name);
    if (!f) throw new Error(`infra: no function ${name}`);
    return f;
  }
}

function grantAccess(role: Role, access: Access, props: FunctionsStackProps) {
  const { table, indexNames, bucket } = props;
  const indexArns = indexNames.map((n) => `${table.tableArn}/index/${n}`);
  switch (access.table) {
    case 'none':
      break;
    case 'describe':
      role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [table.tableArn] }));
      break;
    case 'read':
      role.addToPolicy(new PolicyStatement({ actions: [...TABLE_READ_ACTIONS], resources: [table.tableArn] }));
      role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
      break;
    case 'readwrite':
      role.addToPolicy(new PolicyStatement({ actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS], resources: [table.tableArn] }));
      role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
      break;
  }
  for (const g of access.bucket) {
    if (g.prefix === undefined) {
      role.addToPolicy(new PolicyStatement({ actions: [...g.actions], resources: [bucket.bucketArn] }));
      continue;
    }
    const { name, importValue } = props.bucketArnExport;
    role.addToPolicy(new PolicyStatement({ actions: [...g.actions], resources: [`${importValue}/${g.prefix}*`] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${name}/${g.prefix}*]`,
      reason: `Object actions (${g.actions.join(', ')}) are scoped to the key prefix ${g.prefix} of the photo bucket; object keys are per-upload ids, so a prefix is the narrowest resource that works.`,
    });
  }
  if (access.tokenSecret) props.tokenSecret.grantRead(role);
  if (access.wechatSecret) props.wechatSecret.grantRead(role);
}

/**
 * A deployed function as seen from another stack (api, events): by name, with the ARN built in
 * the importing stack's own account, region and partition (so CDK knows it is the same
 * environment), and optionally its role by name, mutable, so grants made there land in a policy
 * of the importing stack. Keeps every dependency pointing from consumers to the functions stack.
 */
export function importFunction(scope: Construct, id: string, f: DeployedFunction, opts: { withRole?: boolean } = {}): { fn: IFunction; role?: IRole } {
  const stack = Stack.of(scope);
  const role = opts.withRole ? Role.fromRoleName(scope, `${id}Role`, f.role.roleName, { mutable: true }) : undefined;
  const fn = LambdaFunction.fromFunctionAttributes(scope, `${id}Fn`, {
    functionArn: stack.formatArn({ service: 'lambda', resource: 'function', resourceName: f.fn.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ...(role ? { role } : {}),
    sameEnvironment: true,
  });
  return { fn, ...(role ? { role } : {}) };
}

/** api-reports -> ApiReports */
export const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_m, _sep: string, c: string) => c.toUpperCase());
