import sharp from 'sharp';
import { specimenSvg } from './resources/specimens/draw';
import { sampleSpecimens } from './resources/specimens/write';
for (const [name, s] of Object.entries(sampleSpecimens)) {
  const svg = specimenSvg(s);
  const variants = { as: svg, noCjk: svg.replace(/[\u3000-\u9fff\uff00-\uffef]/g, 'X'), noPortrait: svg.replace(/<g>\s*<rect x="\d+" y="\d+" width="\d+" height="\d+" fill="#eef1f4"\/>[\s\S]*?<\/g>/, '') };
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(variants)) {
    const t = performance.now();
    for (let i = 0; i < 3; i++) await sharp(Buffer.from(v)).flatten({ background: '#fff' }).jpeg({ quality: 85 }).toBuffer();
    out[k] = Math.round((performance.now() - t) / 3);
  }
  console.log(name, JSON.stringify(out));
}
