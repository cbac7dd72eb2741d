/**
 * Area versions. One import = one version: its snapshot (the area tree with boundaries, gzipped
 * JSON), its address register (buildings and roads, gzipped JSON; absent for versions imported
 * before registers existed, read as empty) and its routing index (geo/spatial-index's stored form) go to object storage under
 * `areas/<version>/`, then the CURRENT pointer in the table flips to it — so routing never sees
 * half an import, a city of 20,000 grids loads in one GET, and previous versions stay readable
 * (a report keeps the version it was routed with; the pointer remembers the one before).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { transact, type TxItem } from '#store/tx';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { doc, s3 } from '#store/clients';
import { OBJECT_PREFIXES, keys } from '#store/keys';
import { config } from '#config';
import type { AreaSnapshot } from '#geo/areas';
import { EMPTY_PLACES, type PlaceSet } from '#geo/places';

const table = () => config.tableName;
const objectKeys = (version: string) => ({
  snapshot: `${OBJECT_PREFIXES.areas}${version}/snapshot.json.gz`,
  places: `${OBJECT_PREFIXES.areas}${version}/places.json.gz`,
  index: `${OBJECT_PREFIXES.areas}${version}/index.bin`,
});

async function getObject(Key: string): Promise<Uint8Array> {
  const out = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key }));
  return out.Body!.transformToByteArray();
}

export interface AreaVersion {
  version: string;
  previous: string | null;
  importedAt: string;
  importedBy: string;
  count: number;
}

/**
 * Writes a version's files, then makes it current: the flip is the last, atomic step, one
 * transaction with `extra` for the version it carries (the import's audit entry), conditioned on
 * the pointer read here — two imports at once cannot both believe they replaced the same one.
 */
export async function saveSnapshot(
  files: { snapshot: AreaSnapshot; index: Uint8Array; places: PlaceSet },
  importedBy: string,
  extra: (v: AreaVersion) => TxItem[] = () => [],
): Promise<AreaVersion> {
  const { snapshot: s, index, places } = files;
  const k = objectKeys(s.version);
  const json = (Key: string, value: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: config.bucket, Key, Body: gzipSync(JSON.stringify(value)), ContentType: 'application/json', ContentEncoding: 'gzip' }));
  await Promise.all([
    json(k.snapshot, s),
    json(k.places, places),
    s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: k.index, Body: index, ContentType: 'application/octet-stream' })),
  ]);
  const current = await currentPointer();
  const pointer: AreaVersion = {
    version: s.version,
    previous: current && current.version !== s.version ? current.version : (current?.previous ?? null),
    importedAt: new Date().toISOString(),
    importedBy,
    count: s.areas.length,
  };
  await transact([
    {
      Put: {
        TableName: table(),
        Item: { ...keys.areaSetPointer(), type: 'areaset', ...pointer },
        ...(current
          ? { ConditionExpression: 'version = :seen AND importedAt = :at', ExpressionAttributeValues: { ':seen': current.version, ':at': current.importedAt } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    },
    ...extra(pointer),
  ]);
  return pointer;
}

async function currentPointer(): Promise<AreaVersion | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.areaSetPointer(), ConsistentRead: true }));
  if (!out.Item) return null;
  const { PK: _a, SK: _b, type: _t, ...rest } = out.Item;
  return rest as AreaVersion;
}

export async function currentVersion(): Promise<string | null> {
  return (await currentPointer())?.version ?? null;
}

export const currentAreaVersion = currentPointer;

export async function loadSnapshot(version: string): Promise<AreaSnapshot> {
  return JSON.parse(gunzipSync(await getObject(objectKeys(version).snapshot)).toString('utf8')) as AreaSnapshot;
}

export async function loadPlaces(version: string): Promise<PlaceSet> {
  try {
    return JSON.parse(gunzipSync(await getObject(objectKeys(version).places)).toString('utf8')) as PlaceSet;
  } catch (e) {
    if (e instanceof NoSuchKey) return EMPTY_PLACES;
    throw e;
  }
}

export async function loadIndexBytes(version: string): Promise<Uint8Array> {
  return getObject(objectKeys(version).index);
}
