/** The table of personal data: encrypted under the AWS-managed DynamoDB key, backed up by a plan. */
import { describe, expect, it } from 'vitest';
import { synth } from './support.ts';

describe('data stack', () => {
  const s = synth();
  const t = s.templates.data;

  it('encrypts the table with the AWS-managed KMS key (aws/dynamodb), not the AWS-owned default', () => {
    const tables = Object.values(t.findResources('AWS::DynamoDB::GlobalTable')) as Array<{ Properties: { SSESpecification?: { SSEEnabled?: boolean; SSEType?: string } } }>;
    expect(tables).toHaveLength(1);
    expect(tables[0]!.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it('backs the table up daily (35 days) and monthly (a year) with AWS Backup', () => {
    const plans = Object.values(t.findResources('AWS::Backup::BackupPlan')) as Array<{ Properties: { BackupPlan: { BackupPlanRule: Array<{ RuleName: string; Lifecycle: { DeleteAfterDays: number } }> } } }>;
    expect(plans).toHaveLength(1);
    const rules = Object.fromEntries(plans[0]!.Properties.BackupPlan.BackupPlanRule.map((r) => [r.RuleName, r.Lifecycle.DeleteAfterDays]));
    expect(rules).toEqual({ daily: 35, monthly: 365 });
    const selections = Object.values(t.findResources('AWS::Backup::BackupSelection')) as Array<{ Properties: { BackupSelection: { Resources: unknown[] } } }>;
    expect(selections).toHaveLength(1);
    expect(JSON.stringify(selections[0]!.Properties.BackupSelection.Resources)).toContain('Table');
  });
});
