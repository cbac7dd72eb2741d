/** Lambda entry: the table's DynamoDB stream, second consumer (KPI counters). */
export { handler } from '#events/kpi';
