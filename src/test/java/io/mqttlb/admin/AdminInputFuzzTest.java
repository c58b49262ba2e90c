package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.Durations;
import io.mqttlb.config.KeyField;
import io.mqttlb.routing.BrokerAvailability;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.routing.TopologyChange;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Coverage-guided fuzzing of what the admin API reads from callers, through its pure functions (no
 * HTTP server per input): request bodies ({@link JsonBody} and each typed read of a field, nested
 * objects included), the table's {@code limit} parameter, {@code ttl} durations, the route
 * query's keys, and the what-if query. A bad body or parameter is a {@link BadRequest} (or, for durations, the
 * {@link IllegalArgumentException} that the API turns into one), and so is a what-if query's
 * change (read, then applied to a snapshot); anything else thrown is a
 * finding, and a status is always a client error.
 *
 * <p>Input layout: the last bytes choose the part and the field names; the rest is the text.
 */
class AdminInputFuzzTest {
  private static final Set<String> FIELDS = Set.of("broker", "ttl", "rate", "tls", "address", "port", "verify");
  private static final List<String> NAMES = List.copyOf(FIELDS);
  private static final List<String> WHAT_IF_NAMES = List.of("remove", "add", "weight", "drain", "samples");
  private static final Router ROUTER = new Router(() -> RoutingSnapshot.of(1, List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1)), 16), KeyField.CLIENT_ID, BrokerAvailability.ALL);

  @FuzzTest(maxDuration = "3s")
  void callerInput(FuzzedDataProvider data) {
    int part = data.consumeInt(0, 4);
    switch (part) {
      case 0 -> body(data);
      case 1 -> badRequestOrValue(() -> TierApi.limit(data.consumeRemainingAsString()));
      case 2 -> {
        try {
          assertNotNull(Durations.parse(data.consumeRemainingAsString()));
        } catch (IllegalArgumentException expected) {
          // the API answers it with 400
        }
      }
      case 3 -> whatIfQuery(data);
      default -> {
        String clientId = data.consumeString(300);
        String username = data.consumeString(300);
        String certificateCn = data.consumeRemainingAsString();
        RouteDecision decision = ROUTER.route(clientId, username, null, certificateCn.isEmpty() ? null : certificateCn);
        assertNotNull(decision, "two brokers, every key has one");
      }
    }
  }

  /**
   * A what-if query: parameters from the known names and one made up, with any values. A change
   * that is read is then applied to the snapshot, as the call does: it either applies or is refused
   * with an IllegalArgumentException (a 400 or 404), never anything else.
   */
  private static void whatIfQuery(FuzzedDataProvider data) {
    MultiMap query = MultiMap.caseInsensitiveMultiMap();
    int parameters = data.consumeInt(0, 6);
    for (int i = 0; i < parameters; i++) {
      String name = data.consumeBoolean() ? WHAT_IF_NAMES.get(data.consumeInt(0, WHAT_IF_NAMES.size() - 1))
          : data.consumeString(8);
      query.add(name, data.consumeString(40));
    }
    badRequestOrValue(() -> WhatIfApi.samples(query.getAll("samples")));
    TopologyChange change;
    try {
      change = WhatIfApi.change(query);
    } catch (BadRequest refused) {
      checkStatus(refused);
      return;
    }
    try {
      assertNotNull(change.applyTo(ROUTER.snapshot()));
    } catch (IllegalArgumentException expected) {
      // the API answers it with 404 (an unknown broker) or 400
    }
  }

  private static void body(FuzzedDataProvider data) {
    String field = NAMES.get(data.consumeInt(0, NAMES.size() - 1));
    String nested = NAMES.get(data.consumeInt(0, NAMES.size() - 1));
    Buffer body = Buffer.buffer(data.consumeRemainingAsBytes());
    JsonBody parsed;
    try {
      parsed = JsonBody.parse(body, FIELDS, "{}");
    } catch (BadRequest refused) {
      checkStatus(refused);
      return;
    }
    parsed.has(field);
    for (Function<JsonBody, Object> read : List.<Function<JsonBody, Object>>of(
        b -> b.string(field, false), b -> b.string(field, true), b -> b.integer(field), b -> b.number(field),
        b -> b.bool(field), b -> {
          JsonBody inner = b.object(field, FIELDS, "{}");
          return inner == null ? null : inner.string(nested, false);
        })) {
      badRequestOrValue(() -> read.apply(parsed));
    }
  }

  private static void badRequestOrValue(java.util.function.Supplier<Object> read) {
    try {
      read.get();
    } catch (BadRequest refused) {
      checkStatus(refused);
    }
  }

  private static void checkStatus(BadRequest refused) {
    assertTrue(refused.status() >= 400 && refused.status() < 500, () -> "status " + refused.status());
  }
}
