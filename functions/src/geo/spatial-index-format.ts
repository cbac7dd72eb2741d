/**
 * The stored form of the routing index (geo/spatial-index's `Packed`): one little-endian buffer
 * a cold Lambda turns back into a ready index without copying — the arrays are views on it.
 * Written once per areas version at import, read on every cold start.
 */
import Flatbush from 'flatbush';
import type { Packed } from '#geo/spatial-index-packed';

// ---- Stored form ------------------------------------------------------------------------------
// Little-endian (typed arrays use the platform's order; every Lambda and dev machine is
// little-endian, and the magic number below reads wrong on a big-endian one). A 96-byte header
// (u32 at 0–39, f64 cell-grid geometry at 40–87), then sections each starting on an 8-byte
// boundary:
//   data f64[D] | gridOffset u32[N+1] | cellHead i32[C] | cellItems i32[I]
//   | Flatbush's own buffer | ids (UTF-8, joined by NUL)

const MAGIC = 0x58494757; // "WGIX" read little-endian
const FORMAT_VERSION = 3;
const HEADER_BYTES = 96;

const align8 = (x: number): number => (x + 7) & ~7;

interface Counts {
  n: number;
  dataLength: number;
  cells: number;
  items: number;
  treeBytes: number;
  idBytes: number;
}

type Section = 'data' | 'gridOffset' | 'cellHead' | 'cellItems' | 'tree' | 'ids';

/** Byte offset of each section, in order, and the total length. */
function layout(c: Counts): Record<Section | 'total', number> {
  const sizes: [Section, number][] = [
    ['data', c.dataLength * 8],
    ['gridOffset', (c.n + 1) * 4],
    ['cellHead', c.cells * 4],
    ['cellItems', c.items * 4],
    ['tree', c.treeBytes],
    ['ids', c.idBytes],
  ];
  const out = { total: 0 } as Record<Section | 'total', number>;
  let at = HEADER_BYTES;
  for (const [name, size] of sizes) {
    at = align8(at);
    out[name] = at;
    at += size;
  }
  out.total = at;
  return out;
}

export function packToBytes(p: Packed): Uint8Array {
  const idBytes = new TextEncoder().encode(p.ids.join('\0'));
  // Flatbush's buffer ends with its index array; measure to there, as a loaded tree's `data` is
  // the whole stored buffer.
  const t = p.tree;
  const treeBytes = t === null ? new Uint8Array(0) : new Uint8Array(t.data, t.byteOffset, t._indices.byteOffset + t._indices.byteLength - t.byteOffset);
  const c: Counts = {
    n: p.n,
    dataLength: p.data.length,
    cells: p.nx * p.ny,
    items: p.cellItems.length,
    treeBytes: treeBytes.length,
    idBytes: idBytes.length,
  };
  const L = layout(c);
  const buf = new ArrayBuffer(L.total);
  const h = new DataView(buf);
  [MAGIC, FORMAT_VERSION, c.n, c.dataLength, p.nx, p.ny, c.items, c.treeBytes, c.idBytes].forEach((x, i) => h.setUint32(i * 4, x, true));
  [p.minX, p.minY, p.maxX, p.maxY, p.cellW, p.cellH].forEach((x, i) => h.setFloat64(40 + i * 8, x, true));
  new Float64Array(buf, L.data, c.dataLength).set(p.data);
  new Uint32Array(buf, L.gridOffset, c.n + 1).set(p.gridOffset);
  new Int32Array(buf, L.cellHead, c.cells).set(p.cellHead);
  new Int32Array(buf, L.cellItems, c.items).set(p.cellItems);
  new Uint8Array(buf, L.tree, c.treeBytes).set(treeBytes);
  new Uint8Array(buf, L.ids, c.idBytes).set(idBytes);
  return new Uint8Array(buf);
}

export function unpack(bytes: Uint8Array): Packed {
  const bad = (why: string): Error => new Error(`loadIndex: not a grid index (${why})`);
  if (bytes.byteLength < HEADER_BYTES) throw bad('too short');
  // Typed-array views need aligned offsets; a Buffer from a pool may start anywhere.
  // (new Uint8Array(x) copies; Buffer#slice would not.)
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  const buf = aligned.buffer as ArrayBuffer;
  const base = aligned.byteOffset;
  const h = new DataView(buf, base, HEADER_BYTES);
  const u32 = (i: number): number => h.getUint32(i * 4, true);
  const f64 = (i: number): number => h.getFloat64(40 + i * 8, true);
  if (u32(0) !== MAGIC) throw bad('bad magic');
  if (u32(1) !== FORMAT_VERSION) throw bad(`format version ${u32(1)}, expected ${FORMAT_VERSION}`);
  const nx = u32(4);
  const ny = u32(5);
  const c: Counts = { n: u32(2), dataLength: u32(3), cells: nx * ny, items: u32(6), treeBytes: u32(7), idBytes: u32(8) };
  const L = layout(c);
  if (aligned.byteLength !== L.total) throw bad(`length ${aligned.byteLength}, expected ${L.total}`);
  const gridOffset = new Uint32Array(buf, base + L.gridOffset, c.n + 1);
  if (gridOffset[c.n] !== c.dataLength) throw bad('inconsistent offsets');
  const ids = c.n === 0 ? [] : new TextDecoder().decode(new Uint8Array(buf, base + L.ids, c.idBytes)).split('\0');
  if (ids.length !== c.n) throw bad('id count');
  return {
    n: c.n,
    ids,
    data: new Float64Array(buf, base + L.data, c.dataLength),
    gridOffset,
    minX: f64(0),
    minY: f64(1),
    maxX: f64(2),
    maxY: f64(3),
    cellW: f64(4),
    cellH: f64(5),
    nx,
    ny,
    cellHead: new Int32Array(buf, base + L.cellHead, c.cells),
    cellItems: new Int32Array(buf, base + L.cellItems, c.items),
    tree: c.n === 0 ? null : Flatbush.from(buf, base + L.tree),
  };
}

