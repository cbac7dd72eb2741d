/** Lambda entry: the table's DynamoDB stream (outbox rows -> inbox, pushes). */
export { handler } from '#events/stream';
