/**
 * Data: the one DynamoDB table, built from THE key design (functions/src/store/keys.ts
 * TABLE_SCHEMA): keys, its GSIs with their projections, TTL attribute. On demand, point-in-time recovery, a stream
 * of new and old images for the notifier, deletion protection and RETAIN outside dev. The table
 * holds residents' personal data: encrypted at rest under the AWS-managed KMS key for DynamoDB
 * (aws/dynamodb: key use is logged in CloudTrail, unlike the default AWS-owned key, and nothing
 * to rotate or pay for), and backed up by an AWS Backup plan (daily, kept 35 days; monthly, kept
 * a year) on top of PITR's 35-day window — a copy that survives a deleted table.
 */
import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { Duration } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { Projection } from '@aws-sdk/client-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from './catalog.ts';
import type { Settings } from './settings.ts';

const TYPES: Record<string, AttributeType> = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY };

function attribute(name: string): Attribute {
  const def = TABLE_SCHEMA.attributeDefinitions.find((a) => a.AttributeName === name);
  const type = def?.AttributeType && TYPES[def.AttributeType];
  if (!type) throw new Error(`infra: TABLE_SCHEMA has no attribute definition (S/N/B) for key attribute ${name}`);
  return { name, type };
}

function keyPair(schema: readonly { AttributeName?: string; KeyType?: string }[], what: string) {
  const hash = schema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  if (!hash) throw new Error(`infra: ${what} has no HASH key in TABLE_SCHEMA`);
  return { partitionKey: attribute(hash), ...(range ? { sortKey: attribute(range) } : {}) };
}

/** TABLE_SCHEMA's projection in CDK's terms (DynamoDB's default, when absent, is ALL). */
function projection(p: Projection | undefined, what: string): { projectionType: ProjectionType; nonKeyAttributes?: string[] } {
  switch (p?.ProjectionType ?? 'ALL') {
    case 'ALL':
      return { projectionType: ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      if (!p?.NonKeyAttributes?.length) throw new Error(`infra: ${what} projects INCLUDE without NonKeyAttributes`);
      return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...p.NonKeyAttributes] };
    default:
      throw new Error(`infra: ${what} has an unknown projection ${String(p?.ProjectionType)}`);
  }
}

export interface DataStackProps extends StackProps {
  settings: Settings;
}

export class DataStack extends Stack {
  readonly table: TableV2;
  /** index names, for least-privilege grants on named index ARNs (no index/*) */
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const prod = props.settings.stage === 'prod';
    this.indexNames = TABLE_SCHEMA.globalSecondaryIndexes.map((g) => {
      if (!g.IndexName) throw new Error('infra: a GSI in TABLE_SCHEMA has no IndexName');
      return g.IndexName;
    });

    this.table = new TableV2(this, 'Table', {
      ...keyPair(TABLE_SCHEMA.keySchema, 'the table'),
      billing: Billing.onDemand(),
      globalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
        indexName: g.IndexName!,
        ...keyPair(g.KeySchema ?? [], `GSI ${g.IndexName}`),
        ...projection(g.Projection, `GSI ${g.IndexName}`),
      })),
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const vault = new BackupVault(this, 'BackupVault', { removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
    const plan = new BackupPlan(this, 'BackupPlan', { backupVault: vault });
    plan.addRule(new BackupPlanRule({ ruleName: 'daily', scheduleExpression: Schedule.cron({ hour: '18', minute: '0' }), deleteAfter: Duration.days(35) }));
    plan.addRule(new BackupPlanRule({ ruleName: 'monthly', scheduleExpression: Schedule.cron({ day: '1', hour: '18', minute: '30' }), deleteAfter: Duration.days(365) }));
    // Backup's role may back up this table and nothing else (no AWS-managed policy: those span
    // every service AWS Backup knows).
    const backupRole = new Role(this, 'BackupRole', { assumedBy: new ServicePrincipal('backup.amazonaws.com'), description: 'AWS Backup: back up the table of personal data' });
    backupRole.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:CreateBackup', 'dynamodb:DescribeTable', 'dynamodb:DescribeBackup', 'dynamodb:DeleteBackup', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob'],
        resources: [this.table.tableArn, `${this.table.tableArn}/backup/*`],
      }),
    );
    Validations.of(backupRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/backup/*]',
      reason: 'the backups AWS Backup makes of this one table: their ARNs end in ids DynamoDB assigns, so the table\'s backup/* is the narrowest resource that works.',
    });
    plan.addSelection('Table', { resources: [BackupResource.fromArn(this.table.tableArn)], role: backupRole, disableDefaultBackupPolicy: true });
  }
}
