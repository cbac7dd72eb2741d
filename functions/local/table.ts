/** Creates the single table (from the key design's TABLE_SCHEMA) with its stream and TTL. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamo } from '#store/clients';
import { TABLE_SCHEMA } from '#store/keys';
import { config } from '#config';

export async function ensureTable(name = config.tableName): Promise<void> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: TABLE_SCHEMA.attributeDefinitions,
      KeySchema: TABLE_SCHEMA.keySchema,
      GlobalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await dynamo.send(
    new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_SCHEMA.ttlAttribute } }),
  );
}
