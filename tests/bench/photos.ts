/**
 * `npm run bench:photos`: processing one 12-megapixel phone JPEG (EXIF with GPS and camera) the
 * way the S3 handler does (functions/src/flows/photo-render.ts) — time and peak memory — against
 * a baseline in the same run: the naive pipeline that decodes the full image to raw pixels once
 * and resizes that twice. The output must carry no EXIF. Last line: one JSON object.
 */
import sharp from 'sharp';
import { renderPhoto, sniff } from '../../functions/src/flows/photo-render.ts';

const WIDTH = 4000;
const HEIGHT = 3000;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function phonePhoto(): Promise<Buffer> {
  // noise compresses like a real scene (a flat colour would flatter the decoder)
  const noise = Buffer.alloc(WIDTH * HEIGHT * 3);
  let x = 12345;
  for (let i = 0; i < noise.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = (x >> 16) & 0xff;
  }
  return sharp(noise, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .blur(1.2)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'BenchPhone', Model: 'X12', Orientation: '1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 12/1' },
    })
    .toBuffer();
}

async function naive(bytes: Buffer): Promise<{ display: Buffer; thumb: Buffer }> {
  const { data, info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const display = await sharp(data, raw).resize(1600, 1600, { fit: 'inside' }).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
  const thumb = await sharp(data, raw).resize(320, 320, { fit: 'inside' }).jpeg({ quality: 75 }).toBuffer();
  return { display, thumb };
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main() {
  sharp.concurrency(1); // one core, as a Lambda at this memory size has
  const photo = await phonePhoto();
  const meta = await sharp(photo).metadata();
  if (!meta.exif || sniff(photo) !== 'jpeg') throw new Error('the test photo should be a JPEG with EXIF');
  const rssBefore = process.memoryUsage().rss;

  const ours = await time(() => renderPhoto(photo));
  const oursPeak = process.resourceUsage().maxRSS * 1024;
  const out = await renderPhoto(photo);
  for (const img of [out.display, out.thumb]) {
    if ((await sharp(img).metadata()).exif) throw new Error('EXIF survived processing');
  }
  const dims = await sharp(out.display).metadata();
  const baseline = await time(() => naive(photo));
  const baselinePeak = process.resourceUsage().maxRSS * 1024;

  const ms = Math.round(median(ours));
  const baselineMs = Math.round(median(baseline));
  console.log(`photo: ${WIDTH}x${HEIGHT} (${(WIDTH * HEIGHT) / 1e6} MP) JPEG, ${mb(photo.length)} MB, EXIF with GPS and camera`);
  console.log(`processing (display ${dims.width}x${dims.height} + 320 px thumbnail, EXIF stripped): median ${ms} ms over ${RUNS} runs; process peak RSS ${mb(oursPeak)} MB (from ${mb(rssBefore)} MB before)`);
  console.log(`baseline (full decode to raw pixels, resize twice): median ${baselineMs} ms; peak RSS after it ${mb(baselinePeak)} MB`);
  console.log(
    JSON.stringify({
      bench: 'photos',
      megapixels: (WIDTH * HEIGHT) / 1e6,
      inputMB: mb(photo.length),
      ms,
      peakRssMB: mb(oursPeak),
      baselineMs,
      ratioVsBaseline: Math.round((baselineMs / ms) * 100) / 100,
      exifStripped: true,
      underOneSecond: ms < 1000,
      under512MB: oursPeak < 512 * 1024 * 1024,
    }),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
