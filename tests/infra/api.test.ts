/** The HTTP API is THE route table minus its local-only rows: every route, nothing else. */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../functions/src/http/routes.ts';
import { pascal } from '../../infra/src/functions-stack.ts';
import { synth } from './support.ts';

const deployed = ROUTES.filter((r) => !r.localOnly);

describe('api stack', () => {
  const s = synth();
  const routes = s.templates.api.findResources('AWS::ApiGatewayV2::Route');
  const keys = Object.values(routes).map((r: any) => r.Properties.RouteKey as string);

  it('has one route per non-local row of the route table, and no other', () => {
    expect(deployed.length).toBeGreaterThan(0);
    expect([...keys].sort()).toEqual(deployed.map((r) => `${r.method} ${r.path}`).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves local-only routes out', () => {
    const local = ROUTES.filter((r) => r.localOnly);
    expect(local.length).toBeGreaterThan(0);
    for (const r of local) expect(keys).not.toContain(`${r.method} ${r.path}`);
  });

  it('integrates each route with the function of its fn group (payload 2.0)', () => {
    const integrations = s.templates.api.findResources('AWS::ApiGatewayV2::Integration') as Record<string, any>;
    const fnStack = s.stacks.functions;
    for (const r of Object.values(routes) as any[]) {
      const row = deployed.find((d) => `${d.method} ${d.path}` === r.Properties.RouteKey)!;
      const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = integrations[integrationId];
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
      const fn = s.stacks.functions.byName(`api-${row.fn}`).fn;
      const logicalId = fnStack.getLogicalId(fn.node.defaultChild as any);
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`ExportsOutputRef${logicalId}`);
      expect(logicalId.startsWith(pascal(`api-${row.fn}`))).toBe(true);
    }
  });

  it('lets API Gateway invoke each function for its own routes only', () => {
    const perms = s.templates.api.findResources('AWS::Lambda::Permission');
    expect(Object.keys(perms)).toHaveLength(deployed.length);
    for (const p of Object.values(perms) as any[]) expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
  });

  it('throttles the default stage and writes access logs to a log group with retention', () => {
    s.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const stage = Object.values(s.templates.api.findResources('AWS::ApiGatewayV2::Stage'))[0] as any;
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/sourceIp|userAgent/);
    s.templates.api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('maps a custom domain only when both apiDomain and certificateArn are given', () => {
    expect(Object.keys(s.templates.api.findResources('AWS::ApiGatewayV2::DomainName'))).toHaveLength(0);
    const withDomain = synth({
      stage: 'prod',
      apiDomain: 'api.example.cn',
      certificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
      appOrigins: 'https://h5.example.cn',
    });
    withDomain.templates.api.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.cn' });
    withDomain.templates.api.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    withDomain.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    expect(() => synth({ apiDomain: 'api.example.cn' })).toThrow(/apiDomain and certificateArn/);
  });

  it('lets any origin read the API (bearer tokens, no cookies; Open311 GETs), whatever appOrigins says; the bucket keeps its origins', () => {
    for (const t of [s.templates, synth({ stage: 'prod', appOrigins: 'https://h5.example.cn' }).templates]) {
      t.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'], AllowHeaders: Match.arrayWith(['authorization']) }),
      });
      expect(JSON.stringify(t.api.findResources('AWS::ApiGatewayV2::Api'))).not.toContain('AllowCredentials":true');
    }
  });
});
