package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.config.AdmissionLimits;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which brokers the node paces, at what share, as the broker set and the tier's membership change. */
class BrokerAdmissionTest {
  private static final BrokerConfig OWN_CAP = new BrokerConfig("b1", "127.0.0.1", 1884, 1).withMaxConnectRate(600);
  private static final BrokerConfig DEFAULT_CAP = new BrokerConfig("b2", "127.0.0.1", 1885, 1);

  @Test
  void eachNodePacesItsShareOfEachCapAndFollowsTheMembership() {
    BrokerAdmission admission = new BrokerAdmission(new AdmissionLimits(300, Duration.ofSeconds(1), 10), new Metrics());
    admission.update(List.of(OWN_CAP, DEFAULT_CAP), 3);
    assertEquals(200.0, admission.rate("b1"), "its own cap, split over three nodes");
    assertEquals(100.0, admission.rate("b2"), "the tier's default, split over three nodes");
    admission.update(List.of(OWN_CAP, DEFAULT_CAP), 2); // a node left
    assertEquals(300.0, admission.rate("b1"));
    assertEquals(150.0, admission.rate("b2"));
    admission.update(List.of(OWN_CAP.withMaxConnectRate(0), DEFAULT_CAP), 2);
    assertEquals(150.0, admission.rate("b1"), "without a cap of its own, the tier's default");
  }

  @Test
  void brokersWithoutACapPassWithoutAQueue() {
    BrokerAdmission admission = new BrokerAdmission(AdmissionLimits.DEFAULTS, new Metrics());
    admission.update(List.of(OWN_CAP, DEFAULT_CAP), 1);
    assertEquals(600.0, admission.rate("b1"));
    assertEquals(0.0, admission.rate("b2"), "no default cap");
    assertNull(admission.offer("b2", null, null), "not capped: no ticket, dial at once");
    admission.update(List.of(DEFAULT_CAP), 1); // b1 left the broker set
    assertEquals(0.0, admission.rate("b1"));
    assertNull(admission.offer("b1", null, null));
  }
}
