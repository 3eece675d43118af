// Pre-compressed copies (brotli at its best quality, gzip 9) of the files named, next to them:
// the app serves them as they are (tools/plotly-bundle/build.sh, tools/css/build.sh).
const fs = require("fs"), zlib = require("zlib");
for (const f of process.argv.slice(2)) {
  const data = fs.readFileSync(f);
  fs.writeFileSync(f + ".br", zlib.brotliCompressSync(data, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length}}));
  fs.writeFileSync(f + ".gz", zlib.gzipSync(data, {level: 9}));
}
