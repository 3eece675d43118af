// Bootstrap's CSS cut to the classes the app can use (`make css`; the result is committed as
// assets/vendor/s3-bootstrap.min.css). Classes are looked for in the app's Python and JavaScript
// and in the component libraries' bundles; classes the component libraries compose at run time
// (btn-outline-<colour>, col-lg-<n>, alert-<colour>, collapse/collapsing/show, ...) are kept by
// the patterns below.
const fs = require("fs");
const path = require("path");
const { PurgeCSS } = require("purgecss");

const [bootstrapCss, out, ...content] = process.argv.slice(2);
const safelist = {
  standard: [/^(btn|alert|bg|text-bg|navbar|nav|form|page|pagination|table|badge|col|row-cols|g|gx|gy|offset)-/,
             /^(collapse|collapsing|show|fade|active|disabled|open|was-validated|visually-hidden)/],
  deep: [],
  greedy: [/navbar-expand/],
};
(async () => {
  const [result] = await new PurgeCSS().purge({
    css: [bootstrapCss],
    content: content.map(f => ({ raw: fs.readFileSync(f, "utf8"), extension: path.extname(f).slice(1) || "txt" })),
    safelist,
    defaultExtractor: s => s.match(/[A-Za-z0-9_-]+/g) || [],
    variables: false,
    keyframes: false,
    fontFace: false,
  });
  fs.writeFileSync(out, result.css);  // Bootstrap's own licence comment stays at its top
  console.log(`${out}: ${fs.statSync(bootstrapCss).size} -> ${fs.statSync(out).size} bytes`);
})();
