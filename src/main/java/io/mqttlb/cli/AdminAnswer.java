package io.mqttlb.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A successful (2xx) answer of the admin API: its status and its body, raw and as JSON. */
record AdminAnswer(String url, int status, String body) {

  JsonObject object() throws AdminCallFailed {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw notTheExpectedJson("a JSON object");
    }
  }

  JsonArray array() throws AdminCallFailed {
    try {
      return new JsonArray(body);
    } catch (DecodeException | ClassCastException e) {
      throw notTheExpectedJson("a JSON array");
    }
  }

  private AdminCallFailed notTheExpectedJson(String expected) {
    // Most likely --admin points at something other than an mqttlb node.
    return new AdminCallFailed(url + " answered " + status + " but not " + expected + "; is --admin the admin port of an mqttlb node?");
  }
}
