/**
 * Stream images -> plain objects. DynamoDB Local's stream hands an empty map attribute over as
 * an AttributeValue with no type at all (`{}`), which the SDK's unmarshall rejects; an empty map
 * is what it was, so it is read as one.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

function repair(v: AttributeValue | Record<string, never>): AttributeValue {
  if (Object.keys(v).length === 0) return { M: {} };
  const av = v as AttributeValue;
  if (av.M) return { M: Object.fromEntries(Object.entries(av.M).map(([k, x]) => [k, repair(x)])) };
  if (av.L) return { L: av.L.map(repair) };
  return av;
}

export function fromImage<T>(image: Record<string, AttributeValue> | undefined): T | null {
  if (!image) return null;
  return unmarshall(Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repair(v)]))) as T;
}
