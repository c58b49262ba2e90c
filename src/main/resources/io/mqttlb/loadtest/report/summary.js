/* Run report: charts over time from the embedded summary.json. */
(function () {
  try {
    var summary = MqttlbPage.data('summary');
    var series = Array.isArray(summary.series) ? summary.series : [];
    var t = series.map(function (p) { return p.t; });
    var col = function (key) {
      return series.map(function (p) { return typeof p[key] === 'number' ? p[key] : null; });
    };
    var time = 'seconds since start';
    MqttlbPage.chart('chart-connack', time, t, 'ms', ['p50', 'p95', 'p99'],
        [col('connackP50'), col('connackP95'), col('connackP99')]);
    MqttlbPage.chart('chart-p2r', time, t, 'ms', ['p50', 'p95', 'p99'],
        [col('p2rP50'), col('p2rP95'), col('p2rP99')]);
    MqttlbPage.chart('chart-throughput', time, t, 'per second', ['connects/s', 'messages/s', 'errors/s'],
        [col('connectsPerSec'), col('messagesPerSec'), col('errorsPerSec')]);
    MqttlbPage.chart('chart-users', time, t, 'users', ['active users'], [col('activeUsers')]);
    var brokers = [];
    series.forEach(function (p) {
      Object.keys(p.brokers || {}).forEach(function (b) { if (brokers.indexOf(b) < 0) brokers.push(b); });
    });
    brokers.sort();
    MqttlbPage.chart('chart-brokers', time, t, 'clients', brokers, brokers.map(function (b) {
      return series.map(function (p) {
        var v = p.brokers ? p.brokers[b] : null;
        return typeof v === 'number' ? v : null;
      });
    }));
    nodeCharts(Array.isArray(summary.nodes) ? summary.nodes : []);
  } catch (e) {
    MqttlbPage.error(e && e.message ? e.message : e);
  }
  MqttlbPage.done();

  /* One chart per resource series, a line per node; nodes are sampled together, so the first node's times serve all. */
  function nodeCharts(nodes) {
    if (nodes.length === 0) return;
    var units = { heap: ['MiB', 1048576], direct: ['MiB', 1048576], bufferDirect: ['MiB', 1048576],
                  fds: ['descriptors', 1], threads: ['threads', 1], eventLoopLag: ['ms', 0.001] };
    var first = Array.isArray(nodes[0].samples) ? nodes[0].samples : [];
    var t = first.map(function (s) { return s.t; });
    Object.keys(units).forEach(function (key) {
      var unit = units[key];
      var columns = nodes.map(function (node) {
        var samples = Array.isArray(node.samples) ? node.samples : [];
        return t.map(function (x, i) {
          var v = samples[i] ? samples[i][key] : null;
          return typeof v === 'number' ? v / unit[1] : null;
        });
      });
      MqttlbPage.chart('chart-node-' + key, 'seconds since start', t, unit[0],
          nodes.map(function (node) { return node.admin; }), columns, { points: true });
    });
  }
})();
