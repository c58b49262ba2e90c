/* Shared by the report pages: error capture, one uPlot chart helper, and the #rendered marker that
   headless tests read (data-charts = charts drawn, data-expected = charts attempted, data-errors). */
var MqttlbPage = (function () {
  var errors = [];
  var attempted = 0;
  var drawn = 0;
  var palette = ['#2f6fb3', '#d9822b', '#2e9e5b', '#b3261e', '#7b4fb3', '#1b9aaa', '#a05a2c', '#c2185b', '#5f6b7a'];

  function recordError(message) {
    errors.push(String(message));
    var box = document.getElementById('errors');
    if (box) box.textContent = 'Script errors:\n' + errors.join('\n');
  }
  window.addEventListener('error', function (e) { recordError(e.message || 'error'); });
  window.addEventListener('unhandledrejection', function (e) { recordError('unhandled rejection: ' + e.reason); });

  function data(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function note(el, text) {
    var p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    el.appendChild(p);
  }

  function hasValue(column) {
    return column.some(function (v) { return typeof v === 'number' && isFinite(v); });
  }

  /* One line chart: x values, one column per name (null = gap). Draws nothing but a note without data. */
  function chart(id, xLabel, x, yLabel, names, columns, options) {
    var el = document.getElementById(id);
    if (!el) { recordError('no element #' + id); return; }
    if (x.length === 0 || !columns.some(hasValue)) { note(el, 'No samples.'); return; }
    attempted++;
    try {
      var counted = false;
      var opts = {
        width: Math.max(320, el.clientWidth || 560),
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: xLabel, incrs: options && options.wholeX ? [1, 2, 5, 10, 20, 50, 100] : undefined },
               { label: yLabel, size: 60 }],
        series: [{ label: (options && options.xLegend) || 't (s)' }].concat(names.map(function (name, i) {
          return { label: String(name), stroke: palette[i % palette.length], width: 2,
                   points: { show: (options && options.points) || x.length < 3 } };
        })),
        hooks: { draw: [function () { if (!counted) { counted = true; drawn++; } }] }
      };
      new uPlot(opts, [x].concat(columns), el);
    } catch (e) {
      recordError(id + ': ' + (e && e.message ? e.message : e));
    }
  }

  /* Called once every chart is constructed; uPlot draws in a microtask, so count after it. */
  function done() {
    setTimeout(function () {
      var marker = document.createElement('div');
      marker.id = 'rendered';
      marker.hidden = true;
      marker.setAttribute('data-charts', String(drawn));
      marker.setAttribute('data-expected', String(attempted));
      marker.setAttribute('data-errors', String(errors.length));
      document.body.appendChild(marker);
    }, 0);
  }

  return { data: data, chart: chart, done: done, error: recordError };
})();
