// Makes the media the fake API serves, drawn on a canvas in Chromium:
// sample.webm (every job's result: 3 s recorded by MediaRecorder) and the
// demo's example images horse.png (640×360), castle.jpg (800×600) and
// tiny.png (200×150, too small for the model). Run once; the files are
// committed.   node scripts/make-media.mjs fake-api/media
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
const page = await browser.newPage();
await page.setContent('<canvas width=320 height=180></canvas>');
const b64 = await page.evaluate(async () => {
  const c = document.querySelector('canvas'); const g = c.getContext('2d');
  const stream = c.captureStream(24);
  const rec = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 150000 });
  const chunks = []; rec.ondataavailable = (e) => chunks.push(e.data);
  rec.start(100);
  const t0 = performance.now();
  await new Promise((done) => {
    (function frame() {
      const t = (performance.now() - t0) / 1000;
      const sky = g.createLinearGradient(0, 0, 0, 180); sky.addColorStop(0, '#f6a04d'); sky.addColorStop(1, '#f9d976');
      g.fillStyle = sky; g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#c2803f'; g.beginPath(); g.moveTo(0, 150);
      for (let x = 0; x <= 320; x += 20) g.lineTo(x, 140 + 10 * Math.sin(x / 40 + t));
      g.lineTo(320, 180); g.lineTo(0, 180); g.fill();
      const hx = ((t * 90) % 380) - 40;
      g.fillStyle = '#3b2a1a'; g.beginPath(); g.ellipse(hx, 128, 22, 10, 0, 0, 7); g.fill();
      g.fillRect(hx + 14, 112, 8, 14); g.fillRect(hx - 14, 134, 4, 12 + 3 * Math.sin(t * 12)); g.fillRect(hx + 10, 134, 4, 12 - 3 * Math.sin(t * 12));
      g.fillStyle = '#fff'; g.font = 'bold 14px sans-serif'; g.fillText('happyhorse · fake result', 10, 22);
      if (t < 3) requestAnimationFrame(frame); else done();
    })();
  });
  rec.stop(); await new Promise((r) => (rec.onstop = r));
  const buf = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
  let s = ''; for (const b of buf) s += String.fromCharCode(b); return btoa(s);
});
const dir = process.argv[2];
writeFileSync(`${dir}/sample.webm`, Buffer.from(b64, 'base64'));
const images = await page.evaluate(() => {
  const draw = (w, h, hue, label, type) => {
    const c = document.createElement('canvas'); c.width = w; c.height = h; const g = c.getContext('2d');
    const bg = g.createLinearGradient(0, 0, w, h); bg.addColorStop(0, `hsl(${hue} 70% 60%)`); bg.addColorStop(1, `hsl(${hue + 40} 70% 35%)`);
    g.fillStyle = bg; g.fillRect(0, 0, w, h);
    g.fillStyle = 'rgba(255,255,255,.9)'; g.font = `bold ${Math.round(h / 8)}px sans-serif`; g.fillText(label, w * 0.06, h * 0.9);
    g.fillStyle = 'rgba(30,20,10,.8)'; g.beginPath(); g.ellipse(w / 2, h / 2, w / 6, h / 8, 0, 0, 7); g.fill();
    return c.toDataURL(type, 0.85).split(',')[1];
  };
  return { 'horse.png': draw(640, 360, 20, 'horse', 'image/png'), 'castle.jpg': draw(800, 600, 200, 'castle', 'image/jpeg'), 'tiny.png': draw(200, 150, 120, 'tiny', 'image/png') };
});
for (const [name, data] of Object.entries(images)) writeFileSync(`${dir}/${name}`, Buffer.from(data, 'base64'));
await browser.close();
