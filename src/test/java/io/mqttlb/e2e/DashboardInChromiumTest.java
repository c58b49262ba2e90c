package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.DevToolsPage;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.InJvmTier;
import io.mqttlb.testing.LoopbackChromium;
import io.mqttlb.testing.Ports;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium, on node lb-1 of two clustered nodes in this JVM (Hazelcast on
 * loopback) in front of two Mosquitto brokers. The test drives the page over the DevTools protocol as
 * a user would: it types the token into the page's dialog, reads what the page shows, and clicks the
 * page's own buttons. The page renders with no script error and shows a broker that the test kills
 * as down (seen down by both nodes) within the health window. Every operation of the page, each
 * after its confirmation step, takes effect on lb-2: switch mode, set and delete an override, drain
 * and enable, add, re-weight and remove a broker, rebalance; the route explain box names the
 * override; a change the node refuses shows the node's reason. When lb-2 stops, the page shows it
 * leaving the tier. A screenshot is left in {@code target/dashboard-test/} for a person to look at.
 */
@EndToEnd
class DashboardInChromiumTest {
  private static final String TOKEN = "dash-token";
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path dir;
  private InJvmTier tier;

  @BeforeEach
  void startTier() throws Exception {
    tier = InJvmTier.start(dir, 2, 2, config -> config
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withHealth(new HealthConfig(Duration.ofMillis(300), Duration.ofMillis(250), 1, 2)));
  }

  @AfterEach
  void stopTier() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void thePageShowsTheTierLiveAndItsOperationsReachTheOtherNode() throws Exception {
    BalancerNode one = tier.node(1);
    BalancerNode two = tier.node(2);
    try (LoopbackChromium browser = LoopbackChromium.openForDevTools(); DevToolsPage page = DevToolsPage.attach(browser)) {
      page.navigate(URI.create("http://127.0.0.1:" + one.adminPort() + "/"));
      Await.until("the page asks for the token", () -> "token".equals(page.text("document.body.dataset.state")));
      page.evaluate("document.querySelector('#token-input').value = '" + TOKEN + "';"
          + "document.querySelector('#token-submit').click()");
      Await.until("the page shows both members, both brokers and the ring", () ->
          "live".equals(page.text("document.body.dataset.state"))
              && "2".equals(page.text("document.querySelector('#tier-members').dataset.count"))
              && "2".equals(page.text("String(document.querySelectorAll('#brokers tr[data-broker]').length)"))
              && "2".equals(page.text("document.querySelector('#ring').dataset.drawn")));
      assertEquals("lb-1", page.text("document.querySelector('#node').textContent"));
      assertEquals("true", page.text("document.querySelector('#brokers tr[data-broker=\"b2\"]').dataset.healthy"));
      Await.until("the event stream is live", () -> "live".equals(page.text("document.querySelector('#live').dataset.live")));

      long killed = System.nanoTime();
      tier.broker(2).kill();
      Await.until("the page shows b2 down", () ->
          "false".equals(page.text("document.querySelector('#brokers tr[data-broker=\"b2\"]').dataset.healthy")));
      System.out.printf("dashboard: b2 shown down %d ms after its Mosquitto was killed (checks every 300 ms, fall 2)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      assertEquals("lb-1, lb-2", page.text("document.querySelector('#brokers tr[data-broker=\"b2\"] .seen-down-by').textContent"));
      awaitEvent(page, "li[data-type=\"broker-down\"][data-broker=\"b2\"]");

      // Each operation through the page's own buttons and its confirmation step, read back on the other node.
      // A confirmation cancelled and the next one opened at once: the browser fires the first one's
      // close event later, as a task of its own, and that event must not cancel the second.
      page.evaluate("document.querySelector('#mode-switch').click()");
      awaitConfirmation(page);
      assertEquals(Boolean.TRUE, page.evaluate("(async () => { document.querySelector('#confirm-no').click();"
          + " document.querySelector('#mode-switch').click(); await new Promise(done => setTimeout(done, 100));"
          + " return document.querySelector('#confirm-dialog').open })()"), "the second confirmation is still open");
      assertTrue(page.text("document.querySelector('#confirm-text').textContent").contains("to table"));
      assertEquals("hash", call(two, "/api/v1/mode").getString("mode"), "nothing changes before the confirmation");
      confirm(page, null);
      Await.until("lb-2 routes in table mode", () -> "table".equals(call(two, "/api/v1/mode").getString("mode")));
      awaitEvent(page, "li[data-type=\"mode\"]");

      page.evaluate("{ const form = document.querySelector('#override-form');"
          + "form.elements.key.value = 'dash-client'; form.elements.broker.value = 'b1'; form.requestSubmit() }");
      awaitConfirmation(page);
      confirm(page, null);
      Await.until("lb-2 routes dash-client by the override", () -> {
        JsonObject route = call(two, "/api/v1/route?clientId=dash-client");
        return "override".equals(route.getString("source")) && "b1".equals(route.getString("broker"));
      });
      Await.until("the page's table lists the override", () -> page.text(
          "document.querySelector('#table-rows tr[data-key=\"dash-client\"]')?.textContent") != null);
      page.evaluate("{ const form = document.querySelector('#route-form');"
          + "form.elements.clientId.value = 'dash-client'; form.requestSubmit() }");
      Await.until("the route explain box names the override's broker", () ->
          "b1".equals(page.text("document.querySelector('#route-answer').dataset.broker"))
              && page.text("document.querySelector('#route-answer').textContent").contains("override"));
      clickAndConfirm(page, "#table-rows button[data-key=\"dash-client\"]", null);
      Await.until("lb-2 routes dash-client by the ring again", () ->
          "ring".equals(call(two, "/api/v1/route?clientId=dash-client").getString("source")));

      clickAndConfirm(page, "#brokers button[data-action=\"drain\"][data-broker=\"b1\"]", "100");
      Await.until("lb-2 has b1 drained", () -> two.snapshot().isDrained("b1"));
      Await.until("the page shows the drain done", () ->
          "done".equals(page.text("document.querySelector('#moves [data-state]')?.dataset.state")));
      awaitEvent(page, "li[data-type=\"broker-drained\"]");
      awaitEvent(page, "li[data-type=\"move-finished\"]");
      clickAndConfirm(page, "#brokers button[data-action=\"enable\"][data-broker=\"b1\"]", null);
      Await.until("lb-2 has b1 enabled", () -> !two.snapshot().isDrained("b1"));

      int nowhere = Ports.free();
      page.evaluate("{ const form = document.querySelector('#add-broker'); form.elements.id.value = 'b3';"
          + "form.elements.address.value = '127.0.0.1:" + nowhere + "'; form.elements.weight.value = '2'; form.requestSubmit() }");
      awaitConfirmation(page);
      confirm(page, null);
      Await.until("lb-2 has b3 with weight 2", () -> two.snapshot().broker("b3") != null && two.snapshot().broker("b3").weight() == 2);
      Await.until("the page draws b3 on the ring", () -> "3".equals(page.text("document.querySelector('#ring').dataset.drawn")));
      clickAndConfirm(page, "#brokers button[data-action=\"weight\"][data-broker=\"b3\"]", "3");
      Await.until("lb-2 has b3 with weight 3", () -> two.snapshot().broker("b3").weight() == 3);
      clickAndConfirm(page, "#brokers button[data-action=\"remove\"][data-broker=\"b3\"]", null);
      Await.until("lb-2 no longer has b3", () -> two.snapshot().broker("b3") == null);
      awaitEvent(page, "li[data-type=\"broker-removed\"][data-broker=\"b3\"]");

      page.evaluate("document.querySelector('#rebalance-form').requestSubmit()");
      awaitConfirmation(page);
      confirm(page, null);
      Await.until("lb-2 reports the rebalance", () -> {
        JsonObject moves = call(two, "/api/v1/status").getJsonObject("moves");
        return moves != null && "rebalance".equals(moves.getString("kind"));
      });

      // A change the node refuses: the page says why, and nothing changed.
      clickAndConfirm(page, "#brokers button[data-action=\"weight\"][data-broker=\"b1\"]", "0");
      Await.until("the page shows the node's refusal", () -> Boolean.FALSE.equals(page.evaluate("document.querySelector('#outcome').hidden")));
      assertTrue(page.text("document.querySelector('#outcome').textContent").contains("weight"),
          page.text("document.querySelector('#outcome').textContent"));
      assertEquals(1, one.state().broker("b1").weight());

      // The other node leaves the tier: the page, on the node that stays, says so.
      tier.stop(two);
      awaitEvent(page, "li[data-type=\"member-left\"]");
      Await.until("the page shows one member", () -> "1".equals(page.text("document.querySelector('#tier-members').dataset.count")));

      page.screenshot(Path.of("target", "dashboard-test", "dashboard.png"), 1280, 1500);
      // Chromium logs an API call answered 4xx as a failed load: the page's first call, before it has the
      // token (401), and the refused weight (400) are the expected ones.
      List<String> problems = page.problems().stream()
          .filter(line -> !(line.startsWith("log network:") && line.contains("status of 401") && line.contains("/api/v1/")))
          .filter(line -> !(line.startsWith("log network:") && line.contains("status of 400") && line.endsWith("/api/v1/brokers/b1")))
          .toList();
      assertEquals(List.of(), problems, "the page's script errors and failed loads");
    }
  }

  /** Clicks a button of the page, waits for its confirmation step and confirms, with {@code input} typed first if not null. */
  private static void clickAndConfirm(DevToolsPage page, String button, String input) throws InterruptedException {
    page.evaluate("document.querySelector('" + button + "').click()");
    awaitConfirmation(page);
    confirm(page, input);
  }

  private static void awaitConfirmation(DevToolsPage page) throws InterruptedException {
    Await.until("the confirmation step", () -> Boolean.TRUE.equals(page.evaluate("document.querySelector('#confirm-dialog').open")));
  }

  private static void confirm(DevToolsPage page, String input) {
    if (input != null) {
      page.evaluate("document.querySelector('#confirm-input').value = '" + input + "'");
    }
    page.evaluate("document.querySelector('#confirm-yes').click()");
  }

  private static void awaitEvent(DevToolsPage page, String item) throws InterruptedException {
    Await.until("the events list shows " + item, () -> page.text(
        "document.querySelector('#events " + item + "')?.textContent") != null);
  }

  private static JsonObject call(BalancerNode node, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(path + ": " + e, e);
    }
  }
}
