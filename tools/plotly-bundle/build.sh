#!/bin/sh
# Build the app's partial plotly.js (choropleth + scattergeo + scatter + bar) and the (empty) base-map
# topojson that geo subplots load, both into assets/vendor/. Run once after changing index.js or
# the pinned versions in package.json (`make plotly-bundle`); the results are committed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/assets/vendor"
WORK="${PLOTLY_BUNDLE_WORK:-$ROOT/build/plotly-bundle}"
mkdir -p "$WORK" "$OUT/topojson"
cp "$HERE/package.json" "$HERE/index.js" "$WORK/"
cd "$WORK"
npm install --no-audit --no-fund --ignore-scripts --loglevel=error
# esbuild's own binary comes in its platform package (@esbuild/<os>-<arch>), no install script needed.
node_modules/.bin/esbuild index.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --alias:stream=stream-browserify \
  --target=es2016 --legal-comments=none --log-level=warning --outfile="$WORK/s3-plotly.min.js"
# No address outside the app in the bundle: plotly's default base-map URL (its CDN) becomes the app's
# own topojson folder (set again at load time below, under any URL prefix) and the cloud upload URL
# is emptied (the app removes that mode-bar button).
sed -i -e 's#"https://cdn\.plot\.ly/un/"#"vendor/plotly/topojson/"#' \
       -e 's#"https://cloud\.plotly\.com/newchart"#""#' \
       -e 's#fetched from cdn\.plot\.ly\.#served by the app.#' "$WORK/s3-plotly.min.js"
{
  printf '/*! S3 Atlas partial plotly.js %s (choropleth, scattergeo, scatter, bar). plotly.js: MIT licence, (c) Plotly, Inc. Built by tools/plotly-bundle/build.sh */\n' \
    "$(node -p 'require("plotly.js/package.json").version')"
  cat "$WORK/s3-plotly.min.js"
  # Geo subplots load the base-map topojson even with the base map hidden: from the app, next to
  # this file (whatever URL prefix the app is served under), never from plotly's CDN.
  printf '\n;(function(){var s=document.currentScript;if(s&&window.Plotly){window.Plotly.setPlotConfig({topojsonURL:s.src.replace(/s3-plotly[^\/]*$/,"topojson/")});}})();\n'
} > "$OUT/s3-plotly.min.js"
# The app's maps draw no base map (geo.visible false, every base layer off: figures/base.py), yet
# plotly fetches and parses its world topojson for every geo subplot. The app serves an empty
# topology under that name instead of the 35 KB world (its layers' names, no shapes).
node -e '
const layers = ["coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"];
const objects = Object.fromEntries(layers.map(n => [n, {type: "GeometryCollection", geometries: []}]));
process.stdout.write(JSON.stringify({type: "Topology", objects, arcs: []}));' > "$OUT/topojson/world_110m.json"
# Dash's async component loaders call the global regeneratorRuntime, which Dash gets from
# @babel/polyfill (99 KB of core-js for old browsers); the app drops that polyfill (app.py) and
# ships this 7 KB runtime instead (a plain script: it sets the global).
node_modules/.bin/esbuild node_modules/regenerator-runtime/runtime.js --minify --legal-comments=none \
  --log-level=warning --outfile="$WORK/regenerator-runtime.min.js"
{
  printf '/*! regenerator-runtime %s, MIT licence, (c) Meta Platforms, Inc. and affiliates */\n' \
    "$(node -p 'require("regenerator-runtime/package.json").version')"
  cat "$WORK/regenerator-runtime.min.js"
} > "$OUT/regenerator-runtime.min.js"
node "$HERE/../precompress.js" "$OUT/s3-plotly.min.js" "$OUT/topojson/world_110m.json"
ls -l "$OUT"/s3-plotly.min.js* "$OUT"/topojson/world_110m.json*
