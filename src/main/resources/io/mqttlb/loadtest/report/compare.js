/* Comparison report: per metric, each target's value in every round. */
(function () {
  try {
    var compare = MqttlbPage.data('compare');
    var rounds = compare.rounds || [];
    (compare.metrics || []).forEach(function (m, i) {
      var targets = compare.targets || [];
      MqttlbPage.chart('chart-metric-' + i, 'round', rounds, m.unit || '', targets, targets.map(function (t) {
        var entry = m.targets ? m.targets[t] : null;
        return entry && Array.isArray(entry.rounds) ? entry.rounds.map(function (v) {
          return typeof v === 'number' ? v : null;
        }) : rounds.map(function () { return null; });
      }), { points: true, xLegend: 'round', wholeX: true });
    });
  } catch (e) {
    MqttlbPage.error(e && e.message ? e.message : e);
  }
  MqttlbPage.done();
})();
