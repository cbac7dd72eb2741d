/**
 * Users (residents and staff) and the staff-of-area rows routing reads. A staff account is
 * bound to areas (一地一人一账号): one STAFF row per area, written with the profile in one
 * transaction so they never disagree.
 */
import { GetCommand, QueryCommand, UpdateCommand, BatchGetCommand, PutCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { StaffArea, User, indexQuery, keys, withoutKeys } from '#store/keys';
import { transact, ConditionFailed, type TxItem } from '#store/tx';
import { config } from '#config';
import { isStaff, type DutyState, type Role } from '#domain/roles';

export interface UserRecord {
  id: string;
  role: Role;
  name: string;
  areaIds: string[];
  active: boolean;
  duty: DutyState;
  openid: string | null;
  /** full number; shown to staff only masked, and only while the task is theirs */
  phone: string | null;
  consentVersion: string | null;
  createdAt: string;
}

export interface StaffOfArea {
  userId: string;
  areaId: string;
  role: Role;
  name: string;
  active: boolean;
  duty: DutyState;
}

const table = () => config.tableName;

function userItem(u: UserRecord) {
  return {
    ...keys.user(u.id),
    type: 'user',
    ...(u.openid ? User.index('userByOpenid', { openid: u.openid }) : {}),
    ...u,
  };
}

function staffItems(u: UserRecord): TxItem[] {
  if (!isStaff(u.role)) return []; // residents and community responders work no area
  return u.areaIds.map((areaId) => ({
    Put: {
      TableName: table(),
      Item: {
        ...keys.staffArea(areaId, u.id),
        type: 'staff',
        userId: u.id,
        areaId,
        role: u.role,
        name: u.name,
        active: u.active,
        duty: u.duty,
      } satisfies Record<string, unknown> & StaffOfArea,
    },
  }));
}

/** Creates or replaces a user with their staff rows (seed, account deletion); `extra` commits with them. */
export async function putUser(u: UserRecord, extra: TxItem[] = []): Promise<void> {
  await transact([{ Put: { TableName: table(), Item: userItem(u) } }, ...staffItems(u), ...extra]);
}

/**
 * Replaces a staff account and its area rows in one transaction: rows for areas it no longer
 * has are deleted, so routing never finds someone where they no longer work.
 */
export async function updateStaff(before: UserRecord, after: UserRecord, extra: TxItem[] = []): Promise<void> {
  const removed = before.areaIds.filter((a) => !after.areaIds.includes(a));
  await transact([
    // Conditioned on what the decision was made from: two admins editing at once never merge blindly.
    {
      Put: {
        TableName: table(),
        Item: userItem(after),
        ConditionExpression: 'attribute_exists(PK) AND #active = :active AND #role = :role',
        ExpressionAttributeNames: { '#active': 'active', '#role': 'role' },
        ExpressionAttributeValues: { ':active': before.active, ':role': before.role },
      },
    },
    ...staffItems(after),
    ...removed.map((areaId) => ({ Delete: { TableName: table(), Key: keys.staffArea(areaId, before.id) } })),
    ...extra,
  ]);
}

/** A staff account with its one-time invite (stored as a hash: the code is shown once). */
export async function createStaff(u: UserRecord, inviteHash: string, inviteExpiresAt: string, extra: TxItem[] = []): Promise<void> {
  await transact([
    ...extra,
    { Put: { TableName: table(), Item: userItem(u), ConditionExpression: 'attribute_not_exists(PK)' } },
    ...staffItems(u),
    {
      Put: {
        TableName: table(),
        Item: { ...keys.invite(inviteHash), type: 'invite', userId: u.id, expiresAt: inviteExpiresAt, ttl: Math.floor(Date.parse(inviteExpiresAt) / 1000) },
      },
    },
  ]);
}

/** Creates a user only if the id is new; false when it already existed. */
export async function createUserIfAbsent(u: UserRecord): Promise<boolean> {
  try {
    await transact([
      { Put: { TableName: table(), Item: userItem(u), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...staffItems(u),
    ]);
    return true;
  } catch (e) {
    if (e instanceof ConditionFailed && e.index === 0) return false;
    throw e;
  }
}

function strip(item: Record<string, unknown> | undefined): UserRecord | null {
  if (!item) return null;
  const { type: _t, ...rest } = withoutKeys(item);
  return rest as unknown as UserRecord;
}

export async function getUser(id: string): Promise<UserRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.user(id) }));
  return strip(out.Item);
}

export async function getUsers(ids: string[]): Promise<Map<string, UserRecord>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, UserRecord>();
  for (let i = 0; i < unique.length; i += 100) {
    // keys DynamoDB did not get to (throttling) come back as UnprocessedKeys: asked again until none is left
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [table()]: { Keys: unique.slice(i, i + 100).map((id) => keys.user(id)) } };
    for (let round = 0; request && Object.keys(request).length; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
      const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[table()] ?? []) {
        const u = strip(item)!;
        found.set(u.id, u);
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

export async function userByOpenid(openid: string): Promise<UserRecord | null> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      ...indexQuery(User.partition('userByOpenid', { openid })),
      Limit: 1,
    }),
  );
  return strip(out.Items?.[0]);
}

/** Staff bound to exactly this area (not to its ancestors — the caller walks the tree). */
export async function staffOfArea(areaId: string): Promise<StaffOfArea[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': StaffArea.pk({ areaId }), ':sk': StaffArea.skPrefix },
    }),
  );
  return (out.Items ?? []).map((i) => ({
    userId: String(i.userId),
    areaId: String(i.areaId),
    role: i.role as Role,
    name: String(i.name),
    active: Boolean(i.active),
    duty: i.duty as DutyState,
  }));
}

export async function setConsent(userId: string, version: string): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.user(userId),
      UpdateExpression: 'SET consentVersion = :v',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':v': version },
    }),
  );
}

/** Binds a WeChat openid (login, invite binding) or a phone number to the profile. */
export async function setProfileFields(userId: string, fields: { openid?: string | null; phone?: string | null }): Promise<void> {
  const u = await getUser(userId);
  if (!u) throw new Error(`no user ${userId}`);
  await doc.send(new PutCommand({ TableName: table(), Item: userItem({ ...u, ...fields }), ConditionExpression: 'attribute_exists(PK)' }));
}

/** The staff account an invite names (null: unknown or expired); `bindOpenid` consumes it. */
export async function inviteTarget(codeHash: string, now: Date): Promise<string | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.invite(codeHash), ConsistentRead: true }));
  if (!out.Item || String(out.Item.expiresAt) <= now.toISOString()) return null;
  return String(out.Item.userId);
}

/**
 * Binding a WeChat user to a staff account, all or nothing: the invite is consumed (still
 * there, unexpired, naming this account), the staff account takes the openid (still unbound),
 * the resident profile that signed in gives it up, and `extra` (the audit entry) commits too.
 * A lost race (the code used twice at once) fails as ConditionFailed and changes nothing.
 */
export async function bindOpenid(codeHash: string, staff: UserRecord, from: UserRecord, openid: string, now: Date, extra: TxItem[] = []): Promise<void> {
  await transact([
    {
      Delete: {
        TableName: table(),
        Key: keys.invite(codeHash),
        ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now AND userId = :uid',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':uid': staff.id },
      },
    },
    {
      Put: {
        TableName: table(),
        Item: userItem({ ...staff, openid }),
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(openid) OR openid = :none)',
        ExpressionAttributeValues: { ':none': null },
      },
    },
    ...(from.id !== staff.id ? [{ Put: { TableName: table(), Item: userItem({ ...from, openid: null }), ConditionExpression: 'attribute_exists(PK)' } }] : []),
    ...extra,
  ]);
}

/** Looks up and consumes an invite: the staff account it binds, or null (unknown, used, expired). */
export async function takeInvite(codeHash: string, now: Date): Promise<string | null> {
  try {
    const out = await doc.send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.invite(codeHash),
        ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return (out.Attributes?.userId as string | undefined) ?? null;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return null;
    throw e;
  }
}

/** Duty state lives on the profile and on every staff row (routing reads the rows). */
export async function setDuty(u: UserRecord, duty: DutyState): Promise<void> {
  const set = (Key: Record<string, string>): TxItem => ({
    Update: {
      TableName: table(),
      Key,
      UpdateExpression: 'SET duty = :d',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':d': duty },
    },
  });
  await transact([set(keys.user(u.id)), ...u.areaIds.map((a) => set(keys.staffArea(a, u.id)))]);
}

/**
 * A resident becoming a community responder, or back (flows/responders): the role alone,
 * conditioned on the one it was decided from. Responders work no area, so no staff rows change.
 */
export function roleUpdate(userId: string, from: Role, to: Role): TxItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.user(userId),
      UpdateExpression: 'SET #role = :to',
      ConditionExpression: 'attribute_exists(PK) AND #role = :from',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':from': from, ':to': to },
    },
  };
}
