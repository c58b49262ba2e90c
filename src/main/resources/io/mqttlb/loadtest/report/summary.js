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
  } catch (e) {
    MqttlbPage.error(e && e.message ? e.message : e);
  }
  MqttlbPage.done();
})();
