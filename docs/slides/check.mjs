// Checks the rendered slides and draws their previews: every slide of go-vs-rust.html is shown
// in headless Chromium at its own size (1280x720), measured, and saved as preview/NN.png.
// A slide fails when anything on it leaves the slide's content box (the footer's band included),
// when a code block scrolls sideways (a line too long: code never wraps inside a token), or when
// code is set under 20 px. Exits 1 with one line per fault.
//
//   node check.mjs go-vs-rust.html preview     (run by generate.sh: just slides)
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [html, outDir] = process.argv.slice(2);
const minCodePx = 20;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const url = pathToFileURL(resolve(html)).href;
await page.goto(url);
const count = await page.evaluate(() => document.querySelectorAll("svg[data-marpit-svg] > foreignObject > section").length);
mkdirSync(outDir, { recursive: true });

// measure (in the page): the faults of slide n, as lines.
function measure([n, minCodePx]) {
  const slide = document.querySelectorAll("svg[data-marpit-svg] > foreignObject > section")[n - 1];
  const box = slide.getBoundingClientRect();
  const scale = box.width / slide.offsetWidth;
  const cs = getComputedStyle(slide);
  const inner = {
    left: box.left + parseFloat(cs.paddingLeft) * scale,
    right: box.right - parseFloat(cs.paddingRight) * scale,
    top: box.top + parseFloat(cs.paddingTop) * scale,
    bottom: box.bottom - parseFloat(cs.paddingBottom) * scale,
  };
  const faults = [];
  const name = (el) => {
    const text = (el.textContent || el.getAttribute("src") || "").trim().replace(/\s+/g, " ");
    return `<${el.tagName.toLowerCase()}> "${text.slice(0, 40)}"`;
  };
  const slack = 1;
  for (const el of slide.querySelectorAll("*")) {
    if (el.closest("header, footer, style")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const over = [];
    if (r.bottom > inner.bottom + slack) over.push(`${Math.round((r.bottom - inner.bottom) / scale)}px below`);
    if (r.right > inner.right + slack) over.push(`${Math.round((r.right - inner.right) / scale)}px right of`);
    if (r.top < inner.top - slack) over.push(`${Math.round((inner.top - r.top) / scale)}px above`);
    if (r.left < inner.left - slack) over.push(`${Math.round((inner.left - r.left) / scale)}px left of`);
    // Only the outermost element that overflows is named.
    if (over.length && !faults.some((f) => f.el.contains(el))) {
      faults.push({ el, text: `${name(el)} ends ${over.join(", ")} the content box` });
    }
  }
  for (const pre of slide.querySelectorAll("pre")) {
    if (pre.scrollWidth > pre.clientWidth + slack) {
      faults.push({ el: pre, text: `${name(pre)}: a line is ${pre.scrollWidth - pre.clientWidth}px too wide` });
    }
    const px = parseFloat(getComputedStyle(pre.querySelector("code") || pre).fontSize);
    if (px < minCodePx) faults.push({ el: pre, text: `${name(pre)}: code at ${px}px (at least ${minCodePx}px)` });
  }
  const title = (slide.querySelector("h1, h2") || slide).textContent.trim().slice(0, 50);
  return faults.map((f) => `slide ${n} (${title}): ${f.text}`);
}

let faults = [];
for (let n = 1; n <= count; n++) {
  await page.goto(`${url}#${n}`);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForFunction((n) => document.querySelectorAll("svg[data-marpit-svg]")[n - 1]
    .classList.contains("bespoke-marp-active"), n);
  await page.waitForLoadState("load");
  faults = faults.concat(await page.evaluate(measure, [n, minCodePx]));
  await page.screenshot({ path: `${outDir}/${String(n).padStart(2, "0")}.png` });
}
await browser.close();
for (const f of faults) console.error(`slides: ${f}`);
console.log(`slides: ${count} slides measured, ${faults.length} overflow${faults.length === 1 ? "" : "s"}; previews in ${outDir}/`);
process.exit(faults.length ? 1 : 0);
