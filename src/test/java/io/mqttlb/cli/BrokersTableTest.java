package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class BrokersTableTest {
  private static JsonObject broker(String id, boolean healthy, JsonArray seenDownBy, boolean drained) {
    return new JsonObject().put("id", id).put("address", "127.0.0.1:1981").put("weight", 1).put("healthy", healthy)
        .put("seenDownBy", seenDownBy).put("since", null).put("connections", 0).put("drained", drained);
  }

  @Test
  void healthNamesTheNodesThatSeeABrokerDown() {
    String text = BrokersCommand.table(new JsonArray()
        .add(broker("b1", true, new JsonArray(), false))
        .add(broker("b2", false, new JsonArray().add("lb-1").add("lb-2"), false))
        .add(broker("b3", true, new JsonArray().add("lb-3"), true)));
    assertEquals("""
        ID  ADDRESS         WEIGHT  HEALTHY                  CONNECTIONS  DRAINED
        b1  127.0.0.1:1981       1  yes                                0  no
        b2  127.0.0.1:1981       1  no (down for lb-1,lb-2)            0  no
        b3  127.0.0.1:1981       1  yes (down for lb-3)                0  yes
        """, text);
  }

  @Test
  void thePROXYColumnShowsWhenSomeBrokerGetsAHeader() {
    JsonObject plain = broker("b1", true, new JsonArray(), false).put("sendProxyProtocol", "none");
    JsonObject older = broker("b2", true, new JsonArray(), false); // a node of an earlier version: no field
    JsonObject v2 = broker("b3", true, new JsonArray(), false).put("sendProxyProtocol", "v2");
    assertEquals("""
        ID  ADDRESS         WEIGHT  HEALTHY  CONNECTIONS  DRAINED
        b1  127.0.0.1:1981       1  yes                0  no
        b2  127.0.0.1:1981       1  yes                0  no
        """, BrokersCommand.table(new JsonArray().add(plain).add(older)));
    assertEquals("""
        ID  ADDRESS         WEIGHT  PROXY  HEALTHY  CONNECTIONS  DRAINED
        b1  127.0.0.1:1981       1  none   yes                0  no
        b2  127.0.0.1:1981       1  none   yes                0  no
        b3  127.0.0.1:1981       1  v2     yes                0  no
        """, BrokersCommand.table(new JsonArray().add(plain).add(older).add(v2)));
  }

  @Test
  void anOlderNodeWithoutSeenDownByStillShowsItsVerdict() {
    JsonObject old = broker("b1", false, null, false);
    old.remove("seenDownBy");
    assertEquals("no", BrokersCommand.health(old));
  }
}
