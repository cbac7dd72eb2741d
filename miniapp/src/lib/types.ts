/**
 * Client-side types. The report view and request bodies come from the backend's zod schemas
 * (`import type` only: erased at build time, so no backend code reaches the app bundle); the
 * few responses without a schema there are written out here from API.md.
 */
import type { ActionInput, CreateReportInput, ReportViewT } from '../../../functions/src/http/schemas';
import type { Kpis as KpiMeasures } from '../../../functions/src/domain/kpi';

export type ReportView = ReportViewT;
export type CreateReportBody = CreateReportInput;
export type ActionBody = ActionInput;
export type StaffAction = ActionInput['action'];
export type Status = ReportViewT['status'];
export type TimelineEntry = ReportViewT['timeline'][number];
export type Photo = ReportViewT['photos'][number];
export type Role = NonNullable<ReportViewT['assignee']>['role'];

export interface LatLng {
  lat: number;
  lng: number;
}

export interface Me {
  id: string;
  role: Role;
  roleName: string;
  name: string;
  areaIds: string[];
  areas: Array<{ id: string; name: string; level: string }>;
  duty?: string;
  phoneBound: boolean;
  consent: { accepted: string | null; current: string; required: boolean };
  /** WeChat subscribe-message templates (API.md GET /v1/me); absent on older backends */
  subscribeTemplates?: SubscribeTemplate[];
}

export interface SubscribeTemplate {
  kind: 'task' | 'progress' | 'survey' | 'escalation';
  templateId: string;
  longTerm: boolean;
  /** a push can go out now: long-term accepted, or a one-time send left (absent on older backends) */
  granted?: boolean;
}

export type Duty = 'on_duty' | 'off_duty' | 'on_leave';

/** Someone a task can be dispatched to (GET /v1/staff): on duty first, then fewest open tasks. */
export interface StaffMember {
  id: string;
  name: string;
  role: Role;
  roleName: string;
  duty: Duty | string;
  areaIds: string[];
  openTasks: number;
}

export interface Category {
  code: string;
  name: string;
  lead: 'grid' | 'police';
  acceptHours: number;
  resolveHours: number;
  emergency: boolean;
  emergencyCall: string[];
  emergencyNotice: string | null;
}

/** A report in a list (GET /v1/reports, /v1/tasks, /v1/reports/nearby). */
export interface ReportSummary {
  id: string;
  version: number;
  status: Status;
  statusName: string;
  category: string;
  categoryName: string;
  description: string;
  address: string | null;
  createdAt: string;
  grid: { id: string; name: string };
  beat: { id: string; name: string };
  assignee: { role: Role; name: string } | null;
  followerCount: number;
  rating: { score: string; comment: string | null; at: string } | null;
  dueAt: string | null;
  overdue: boolean;
  dueSoon: boolean;
  taskRole?: string | null;
  distanceMeters?: number;
}

/** An open report nearby the caller may not open: kind, state and when only ("我也遇到"). */
export type NearbyReport = Pick<ReportSummary, 'id' | 'status' | 'statusName' | 'category' | 'categoryName' | 'createdAt' | 'followerCount' | 'overdue'> &
  Partial<ReportSummary> & { distanceMeters: number };

export interface Located {
  grid: { id: string; name: string } | null;
  beat: { id: string; name: string } | null;
  community: { id: string; name: string } | null;
  street: { id: string; name: string } | null;
  district: { id: string; name: string } | null;
  routing: 'exact' | 'nearest';
  distanceMeters?: number;
}

export interface DevUser {
  id: string;
  role: Role;
  name: string;
  areaIds: string[];
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export interface InboxItem {
  id: string;
  at: string;
  reportId: string;
  kind: string;
  title: string;
  body: string;
}

/** One area's row of GET /v1/stats: the backend's measures (domain/kpi.ts), its name and gauges. */
export interface Kpis extends KpiMeasures {
  areaId: string;
  name: string;
  level: string;
  open: number;
  overdue: number;
}

export interface Stats {
  from: string;
  to: string;
  area: Kpis;
  children: Kpis[];
}

export interface HeatFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: any } | null;
  properties: { id: string; name: string; open: number; overdue: number; [k: string]: unknown };
}
