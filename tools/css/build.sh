#!/bin/sh
# Bootstrap's CSS cut to what the app uses (tools/css/purge.js), into assets/vendor/ with
# pre-compressed copies. Run after adding Bootstrap classes to the app (`make css`); the result is
# committed. Bootstrap comes from the Bootstrap-Flask package (the `css` extra, installed by `make css`).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY="${PY:-$ROOT/.venv/bin/python}"
WORK="$ROOT/build/css"
mkdir -p "$WORK"
[ -x "$WORK/node_modules/.bin/purgecss" ] || npm install --no-audit --no-fund --loglevel=error --prefix "$WORK" purgecss@7.0.2
BOOTSTRAP=$("$PY" -c 'import flask_bootstrap, os; print(os.path.join(os.path.dirname(flask_bootstrap.__file__), "static/bootstrap5/css/bootstrap.min.css"))')
OUT="$ROOT/assets/vendor/s3-bootstrap.min.css"
cd "$ROOT"
NODE_PATH="$WORK/node_modules" node "$HERE/purge.js" "$BOOTSTRAP" "$OUT" $(git ls-files 'dashboard/*.py' 'assets/*.js' 'app.py')
node "$HERE/../precompress.js" "$OUT"
ls -l "$OUT"*
