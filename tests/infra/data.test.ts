/** The table is THE key design: keys, indexes and TTL from TABLE_SCHEMA; PITR; stream. */
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../functions/src/store/keys.ts';
import { synth } from './support.ts';

describe('data stack', () => {
  const s = synth();
  const tables = Object.values(s.templates.data.findResources('AWS::DynamoDB::GlobalTable')) as any[];
  const table = tables[0];

  it('is one table with point-in-time recovery, TTL, and a NEW_AND_OLD_IMAGES stream', () => {
    expect(tables).toHaveLength(1);
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true });
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('has the keys, attributes and GSIs of TABLE_SCHEMA, each with its projection', () => {
    expect(table.Properties.KeySchema).toEqual(TABLE_SCHEMA.keySchema);
    const used = new Set(table.Properties.AttributeDefinitions.map((a: any) => a.AttributeName));
    for (const a of TABLE_SCHEMA.attributeDefinitions) expect(used.has(a.AttributeName), a.AttributeName).toBe(true);
    const gsis = table.Properties.GlobalSecondaryIndexes.map((g: any) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection }));
    expect(gsis.sort((a: any, b: any) => a.IndexName.localeCompare(b.IndexName))).toEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection ?? { ProjectionType: 'ALL' } })).sort((a, b) => a.IndexName!.localeCompare(b.IndexName!)),
    );
  });

  it('is deletion-protected and retained in prod, disposable in dev', () => {
    expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
    const prod = Object.values(synth({ stage: 'prod' }).templates.data.findResources('AWS::DynamoDB::GlobalTable'))[0] as any;
    expect(prod.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    expect(prod.DeletionPolicy).toBe('Retain');
  });
});
