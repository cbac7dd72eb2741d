/** Starts DynamoDB Local once for the whole integration run; files create their own tables. */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, ensureJava, type DynamoEngine } from '../../functions/local/engines.ts';

let engine: DynamoEngine | undefined;

export async function setup(project: TestProject) {
  await ensureJava();
  engine = await startDynamoLocal({});
  project.provide('dynamoEndpoint', engine.endpoint);
}

export async function teardown() {
  await engine?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
