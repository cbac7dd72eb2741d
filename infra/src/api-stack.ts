/**
 * API: one HTTP API whose routes are THE route table minus its local-only rows, each integrated
 * with the function of its `fn` group (payload 2.0: dispatch.ts picks the handler by routeKey).
 * Default stage with throttling and JSON access logs (ids, route, status, latency: no IPs, no
 * user agents, no bodies). Optional custom domain (`-c apiDomain=… -c certificateArn=…`):
 * WeChat only calls ICP-filed HTTPS domains.
 *
 * Functions are referenced by ARN (imported), so their invoke permissions live in this stack
 * and the functions stack never depends on the API (no cross-stack cycle).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routeKey } from './catalog.ts';
import { importFunction, pascal, type DeployedFunction } from './functions-stack.ts';
import type { Settings } from './settings.ts';

export interface ApiStackProps extends StackProps {
  settings: Settings;
  functions: readonly DeployedFunction[];
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `weishibao-${settings.stage}`,
      description: 'Weishibao HTTP API (routes generated from functions/src/http/routes.ts)',
      createDefaultStage: false,
      // with a custom domain, clients must use it (WeChat requires the ICP-filed name anyway)
      disableExecuteApiEndpoint: !!settings.apiDomain,
      // Any origin: the API authenticates by the Authorization header, never by cookies, so a
      // foreign page gains nothing a token would not give it — and Open311's readers are other
      // cities' pages (GeoReport v2: CORS on every GET). An HTTP API has one CORS setting, which
      // replaces the functions' own headers, so it must be this one. The photo bucket's CORS
      // (direct uploads) stays limited to appOrigins.
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationMs: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            bytes: '$context.responseLength',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // one integration per function; one route per deployed row of the route table
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const f of props.functions.filter((x) => x.spec.kind === 'api')) {
      const { fn } = importFunction(this, pascal(f.spec.name), f);
      const integration = new HttpLambdaIntegration(`${pascal(f.spec.name)}Integration`, fn);
      for (const r of f.spec.routes) {
        if (integrations.has(routeKey(r))) throw new Error(`infra: route ${routeKey(r)} appears twice in the route table`);
        integrations.set(routeKey(r), integration);
        new HttpRoute(this, `Route ${routeKey(r)}`, {
          httpApi: this.api,
          routeKey: HttpRouteKey.with(r.path, HttpMethod[r.method]),
          integration,
        });
      }
    }

    if (settings.apiDomain && settings.certificateArn) {
      const domain = new DomainName(this, 'Domain', {
        domainName: settings.apiDomain,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn),
      });
      new ApiMapping(this, 'Mapping', { api: this.api, domainName: domain, stage: this.stage });
      new CfnOutput(this, 'DomainTarget', {
        value: domain.regionalDomainName,
        description: `CNAME ${settings.apiDomain} to this name`,
      });
      new CfnOutput(this, 'ApiUrl', { value: `https://${settings.apiDomain}` });
    } else {
      new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorisation is the route table\'s: the function verifies the bearer token and the role gate of each route (http/handler.ts, the same code the local stack runs); routes with auth "none" are public by API.md.',
    });
  }
}
