/**
 * Scheduled functions run one at a time and are watched by a heartbeat; the table's throttles
 * and system errors, dead-lettered pushes and sweeper failures alarm; alarms go to a topic under
 * a key CloudWatch may use.
 */
import { describe, expect, it } from 'vitest';
import { emfLine, METRICS } from '../../functions/src/metrics.ts';
import { pascal } from '../../infra/src/functions-stack.ts';
import { HEARTBEAT_MINUTES, TABLE_OPERATIONS } from '../../infra/src/observability-stack.ts';
import { synth } from './support.ts';

const s = synth();
const obs = s.templates.observability;
const alarms = obs.findResources('AWS::CloudWatch::Alarm') as Record<string, any>;
const topicId = Object.keys(obs.findResources('AWS::SNS::Topic'))[0]!;
const alarmFor = (id: string) => {
  const found = Object.entries(alarms).filter(([k]) => k.startsWith(id));
  expect(found.map(([k]) => k), id).toHaveLength(1);
  return found[0]![1].Properties;
};
const fnResource = (name: string) => {
  const f = s.stacks.functions.byName(name);
  return (s.templates.functions.findResources('AWS::Lambda::Function')[s.stacks.functions.getLogicalId(f.fn.node.defaultChild as any)] as any).Properties;
};

describe('scheduled functions', () => {
  const schedules = s.stacks.functions.functions.filter((f) => f.spec.kind === 'schedule');

  it('run with reserved concurrency 1; nothing else reserves any', () => {
    expect(schedules.length).toBeGreaterThan(0);
    for (const f of s.stacks.functions.functions) {
      expect(fnResource(f.spec.name).ReservedConcurrentExecutions, f.spec.name).toBe(f.spec.kind === 'schedule' ? 1 : undefined);
    }
  });

  it('each alarm when not invoked for 15 minutes (missing data is the alarm)', () => {
    for (const f of schedules) {
      const a = alarmFor(`${pascal(f.spec.name)}Heartbeat`);
      // three missed runs, and never less than 15 minutes (both schedules run every 5)
      const minutes = Math.max(HEARTBEAT_MINUTES, 3 * f.spec.schedule!.everyMinutes);
      if (f.spec.schedule!.everyMinutes <= 5) expect(minutes, f.spec.name).toBe(15);
      expect(a).toMatchObject({
        MetricName: 'Invocations',
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: minutes * 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(JSON.stringify(a.Dimensions)).toContain('FunctionName');
    }
  });
});

describe('table alarms', () => {
  for (const [id, metricName] of [
    ['TableThrottles', 'ThrottledRequests'],
    ['TableSystemErrors', 'SystemErrors'],
  ] as const) {
    it(`${id}: ${metricName} summed over the operations the functions call, within CloudWatch's 10 metrics`, () => {
      const a = alarmFor(id);
      const expression = a.Metrics.find((m: any) => m.Expression);
      const stats = a.Metrics.filter((m: any) => m.MetricStat);
      expect(expression.Expression).toMatch(/^SUM\(\[/);
      expect(stats.length).toBe(TABLE_OPERATIONS.length);
      expect(a.Metrics.length).toBeLessThanOrEqual(10);
      for (const m of stats) {
        expect(m.MetricStat.Metric.MetricName).toBe(metricName);
        expect(m.MetricStat.Metric.Namespace).toBe('AWS/DynamoDB');
        expect(m.MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort()).toEqual(['Operation', 'TableName']);
      }
      expect(stats.map((m: any) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value)).toEqual(
        expect.arrayContaining(['GetItem', 'Query', 'PutItem', 'UpdateItem', 'TransactWriteItems']),
      );
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });
  }
});

describe('alarms on what the code counts', () => {
  it('watch the very metrics the code writes (namespace, name, dimension)', () => {
    for (const [id, name, periods] of [
      ['DeadLetteredPushes', METRICS.deadLetteredPushes, 1],
      ['SweeperTimerFailures', METRICS.sweeperTimerFailures, 2],
    ] as const) {
      const emf = JSON.parse(emfLine(name, 1, new Date(), 'dev'));
      const directive = emf._aws.CloudWatchMetrics[0];
      const a = alarmFor(id);
      expect(a).toMatchObject({ Namespace: directive.Namespace, MetricName: directive.Metrics[0].Name, Statistic: 'Sum', Threshold: 1, EvaluationPeriods: periods });
      expect(a.Dimensions).toEqual(directive.Dimensions[0].map((d: string) => ({ Name: d, Value: emf[d] })));
    }
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a rotating key of its own that CloudWatch alarms of this account may use', () => {
    const topic = (obs.findResources('AWS::SNS::Topic') as any)[topicId].Properties;
    const [keyId, key] = Object.entries(obs.findResources('AWS::KMS::Key') as Record<string, any>)[0]!;
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statement = key.Properties.KeyPolicy.Statement.find((x: any) => x.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(statement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(statement.Condition.StringEquals).toHaveProperty('aws:SourceAccount');
    expect(statement.Condition.ArnLike).toHaveProperty('aws:SourceArn');
  });

  it('receives every alarm and its recovery', () => {
    expect(Object.keys(alarms).length).toBeGreaterThan(0);
    for (const [id, a] of Object.entries(alarms)) {
      expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions, id).toEqual([{ Ref: topicId }]);
    }
  });
});
