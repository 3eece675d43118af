// S3 Atlas's plotly.js: only the trace types the app draws. Built by build.sh into
// assets/vendor/s3-plotly.min.js (window.Plotly, picked up by dcc.Graph instead of the full plotly.min.js).
'use strict';

var Plotly = require('plotly.js/lib/core'); // includes scatter (the profile's sparklines)

Plotly.register([
    require('plotly.js/lib/choropleth'), // region maps (geo subplot, GeoJSON by URL)
    require('plotly.js/lib/scattergeo'), // partnership links and member points
    require('plotly.js/lib/bar'), // the comparison chart
]);

module.exports = Plotly;
