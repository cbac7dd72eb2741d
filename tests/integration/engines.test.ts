import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startDynamoLocal, startS3 } from '../../functions/local/engines.ts';
import type { S3ObjectEvent } from '../../functions/local/engines.ts';

/** Whether a fresh listener can take the port; no host means the wildcard, as DynamoDB Local binds. */
async function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? resolve(false) : reject(err),
    );
    server.listen({ port, host }, () => server.close(() => resolve(true)));
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Reverse order so engines stop before their temp dirs go.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('local engines', { timeout: 60_000 }, () => {
  it('freePort returns a port nobody is listening on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canListen(port, '127.0.0.1')).toBe(true);
  });

  it('DynamoDB Local (in memory) does items, streams and conditional transactions, then frees its port', async () => {
    const ddb = await startDynamoLocal({});
    cleanups.push(() => ddb.stop());
    expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
    expect(await canListen(ddb.port)).toBe(false);

    const clientConfig = {
      endpoint: ddb.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const client = new DynamoDBClient(clientConfig);
    const streams = new DynamoDBStreamsClient(clientConfig);
    cleanups.push(async () => {
      client.destroy();
      streams.destroy();
    });

    const table = await client.send(
      new CreateTableCommand({
        TableName: 'engines-test',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = table.TableDescription?.LatestStreamArn;
    expect(streamArn).toBeTruthy();

    const item = { pk: { S: 'REPORT#1' }, sk: { S: 'META' }, version: { N: '1' } };
    await client.send(new PutItemCommand({ TableName: 'engines-test', Item: item }));
    const got = await client.send(
      new GetItemCommand({ TableName: 'engines-test', Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
    );
    expect(got.Item).toEqual(item);

    // The condition fails on the first item, so the second (otherwise valid) put must not land.
    const transaction = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: 'engines-test',
              Item: { ...item, version: { N: '2' } },
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': { N: '7' } },
            },
          },
          { Put: { TableName: 'engines-test', Item: { pk: { S: 'REPORT#1' }, sk: { S: 'EVENT#1' } } } },
        ],
      }),
    );
    const error = await transaction.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'ConditionalCheckFailed',
      'None',
    ]);
    const untouched = await client.send(
      new GetItemCommand({ TableName: 'engines-test', Key: { pk: { S: 'REPORT#1' }, sk: { S: 'EVENT#1' } } }),
    );
    expect(untouched.Item).toBeUndefined();

    // The stream carries the committed put, and nothing from the cancelled transaction.
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = stream.StreamDescription?.Shards?.[0]?.ShardId;
    expect(shardId).toBeTruthy();
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records.map((r) => r.eventName)).toEqual(['INSERT']);
    expect(Records[0]?.dynamodb?.NewImage).toEqual(item);

    await ddb.stop();
    expect(await canListen(ddb.port)).toBe(true);
    // Stopping twice is harmless (the cleanup hook will do it again).
    await ddb.stop();
  });

  it('s3rver stores uploads, reports them as S3 notifications, and frees its port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engines-s3-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const events: S3ObjectEvent[] = [];
    let eventArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (eventArrived = resolve));
    const s3 = await startS3({
      dataDir,
      buckets: ['engines-photos'],
      onEvent: (event) => {
        events.push(event);
        eventArrived();
      },
    });
    cleanups.push(() => s3.stop());
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);

    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    cleanups.push(async () => client.destroy());

    // A space and non-ASCII text check that keys arrive URL-encoded the way AWS sends them.
    const key = 'photos/2024/路灯 坏了.jpg';
    const body = Buffer.from('not really a jpeg');
    await client.send(
      new PutObjectCommand({ Bucket: 'engines-photos', Key: key, Body: body, ContentType: 'image/jpeg' }),
    );
    await arrived;

    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record?.eventSource).toBe('aws:s3');
    expect(record?.eventName).toBe('ObjectCreated:Put');
    expect(record?.s3.bucket.name).toBe('engines-photos');
    expect(record?.s3.bucket.arn).toBe('arn:aws:s3:::engines-photos');
    expect(record?.s3.object.size).toBe(body.length);
    expect(decodeURIComponent((record?.s3.object.key ?? '').replace(/\+/g, ' '))).toBe(key);

    // Browsers upload straight to the bucket, so a preflight for a PUT must be answered.
    const preflight = await fetch(`${s3.endpoint}/engines-photos/photos/new.jpg`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:10086',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-amz-date',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');

    await s3.stop();
    expect(await canListen(s3.port, '127.0.0.1')).toBe(true);
  });
});
