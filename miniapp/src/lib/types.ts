/**
 * Client-side types. The report view and request bodies come from the backend's zod schemas
 * (`import type` only: erased at build time, so no backend code reaches the app bundle); the
 * few responses without a schema there are written out here from API.md.
 */
import type { ActionInput, CreateReportInput, ReportViewT } from '../../../functions/src/http/schemas';
import type { Kpis as KpiMeasures } from '../../../functions/src/domain/kpi';
import type { AssistKpis } from '../../../functions/src/domain/assist-kpi';
import type { ResponderKind, Skill } from '../../../functions/src/domain/responders';

/**
 * The report view with the place fields of issue 13 (API place contract): written here as
 * optional so the app compiles against a backend schema with or without them; once the schema
 * has them the intersection is simply the schema's own type.
 */
export type ReportView = ReportViewT & ReportPlaceFields;
/** A building chosen in the app is sent as `buildingId`; `location` may then be left out. */
export type CreateReportBody = Omit<CreateReportInput, 'location'> & {
  location?: CreateReportInput['location'];
  buildingId?: string;
  /** e.g. "2单元" (at most 10 characters) */
  unit?: string;
  floor?: number;
};
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

export interface Ref {
  id: string;
  name: string;
}

/** A building of the address register (GET /v1/buildings, locate's `building` and `confirm.candidates`). */
export interface Building {
  id: string;
  /** e.g. "3栋" */
  name: string;
  /** the estate (小区), e.g. "深南花园" */
  estate: string;
  number: string;
  address: string;
  /** "粤海街道 科技园社区 深南花园 3栋" */
  label: string;
  /** how many 单元 (null: not recorded) */
  units: number | null;
  /** how many floors (null: not recorded) */
  floors: number | null;
  location: LatLng & { datum?: 'gcj02' };
}

/** A building in the picker's list: with its grid and community. */
export type BuildingItem = Building & { grid?: Ref; community?: Ref };

export interface ReportRepeat {
  /** reports of this category in this building in the window, this one included */
  count: number;
  since: string;
  reports: Array<{ id: string; status: Status; createdAt: string }>;
}

export interface ReportPlaceFields {
  building?: { id: string; name: string; label: string } | null;
  /** the human place ("粤海街道 科技园社区 深南花园 3栋"): shown instead of coordinates */
  placeLabel?: string;
  unit?: string | null;
  floor?: number | null;
  /** staff view: the building's 重复隐患 history (>= 3 reports of this category in 90 days) */
  repeat?: ReportRepeat | null;
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
  consent: { accepted: string | null; current: string; required: boolean; /** the deployment's RETENTION_DAYS (older servers: absent) */ retentionDays?: number };
  /** WeChat subscribe-message templates (API.md GET /v1/me); absent on older backends */
  subscribeTemplates?: SubscribeTemplate[];
  /** residents and responders: their standing with a community (群防群治), null when they never applied */
  responder?: ResponderStanding | null;
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
  /** asked before filing; the answer `stopWhen` means danger now: call, do not file */
  safetyQuestion?: { question: string; stopWhen: 'yes' | 'no'; notice: string } | null;
  /** canned replies for staff notes and reasons (admin-editable) */
  replies?: { text: string; field: 'note' | 'reason'; states: string[] }[];
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
  /** the caller follows it (我也遇到) rather than reported it; absent from older backends */
  following?: boolean;
  distanceMeters?: number;
  placeLabel?: string;
  building?: { id: string; name: string; label: string } | null;
}

/** An open report nearby the caller may not open: kind, state and when only ("我也遇到"). */
export type NearbyReport = Pick<ReportSummary, 'id' | 'status' | 'statusName' | 'category' | 'categoryName' | 'createdAt' | 'followerCount' | 'overdue'> &
  Partial<ReportSummary> & {
    distanceMeters: number;
    /** in the same building as the place being reported */
    sameBuilding?: boolean;
    /** the first photo's thumbnail (signed link) */
    thumbUrl?: string | null;
  };

/** A merge candidate for staff (GET /v1/reports/{id}/duplicates). */
export interface DuplicateCandidate {
  id: string;
  status: Status;
  statusName?: string;
  category: string;
  categoryName?: string;
  createdAt: string;
  placeLabel: string;
  thumbUrl: string | null;
  sameBuilding: boolean;
  meters: number | null;
}

/** A building with repeated hazards (GET /v1/buildings/repeats). */
export interface RepeatBuilding {
  building: { id: string; name: string; label: string };
  category: string;
  count: number;
  lastAt: string;
  reportIds: string[];
}

/** GeoJSON as the basemap serves it (GCJ-02, [lng, lat]). */
export interface GeoFeature<P> {
  type: 'Feature';
  id?: string;
  geometry: { type: 'Point' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'; coordinates: any };
  properties: P;
}
export interface FeatureCollection<P> {
  type: 'FeatureCollection';
  features: Array<GeoFeature<P>>;
}

/** GET /v1/areas/basemap: a tile layer when the deployment has one, and the vector layers. */
export interface Basemap {
  version: string;
  tiles: { url: string; attribution: string; subdomains?: string } | null;
  roads: FeatureCollection<{ id: string; name: string; kind: 'main' | 'minor' }>;
  buildings: FeatureCollection<{ id: string; name: string; label: string }>;
  grids: FeatureCollection<{ id: string; name: string }>;
}

/** An area in a list (GET /v1/areas?level=...). */
export interface AreaItem {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
  centroid: LatLng;
}

export interface Located {
  grid: { id: string; name: string } | null;
  beat: { id: string; name: string } | null;
  community: { id: string; name: string } | null;
  street: { id: string; name: string } | null;
  district: { id: string; name: string } | null;
  routing: 'exact' | 'nearest';
  distanceMeters?: number;
  /** nearest building of the address register within 30 m (API place contract) */
  building?: Building | null;
  /** the human place label, e.g. "粤海街道 科技园社区 深南花园 3栋" */
  label?: string;
  /** the nearest other grid when within 30 m */
  boundary?: { meters: number; grid: Ref } | null;
  /** non-null: ask "是在 … 吗？" before filing (near a grid boundary, or a poor fix) */
  confirm?: { reason: 'boundary' | 'accuracy'; candidates: Building[] } | null;
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
  /** the community responders' measures (群防群治), overall and per pool; absent on older backends */
  assists?: AssistKpis & { pools?: Partial<Record<ResponderKind, AssistKpis>> };
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

/** A resident's or responder's standing with a community (GET /v1/me `responder`). Here, not in lib/responders: the build tests read these types without the API client. */
export interface ResponderStanding {
  communityId: string;
  communityName: string;
  kind: ResponderKind;
  kindName: string;
  skills: Skill[];
  status: 'pending' | 'approved' | 'declined';
  reason: string | null;
  leaderboard: boolean;
}
